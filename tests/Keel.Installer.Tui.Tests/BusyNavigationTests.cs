using Keel.Installer.Tui.Tests.Support;
using Terminal.Gui.Input;
using Xunit;

namespace Keel.Installer.Tui.Tests;

/// <summary>F10 pressed while a screen still waits for the service is kept, not dropped: the wizard goes on once the answer is in.</summary>
public sealed class BusyNavigationTests
{
    [Fact]
    public async Task F10_pressed_while_the_service_answers_goes_on_once_it_has_answered()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await ui.PressAsync(Key.F10, Key.F10, Key.F10, Key.F10);
        Assert.Equal(4, await ui.ScreenAsync());

        // The first F10 commits the source and opens the packages screen, which starts resolving; the second arrives
        // while the service is busy and must still take the person to the disk screen.
        await ui.PressQuicklyAsync(Key.F10, Key.F10);

        Assert.Equal(6, await ui.ScreenAsync());
        Assert.DoesNotContain("Waiting for the installer service", await ui.CaptureAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task F2_after_an_early_F10_cancels_it()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await ui.PressAsync(Key.F10, Key.F10, Key.F10, Key.F10);

        await ui.PressQuicklyAsync(Key.F10, Key.F10, Key.F2);

        Assert.Equal(4, await ui.ScreenAsync());
    }
}
