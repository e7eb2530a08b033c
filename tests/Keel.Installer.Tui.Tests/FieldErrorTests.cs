using Keel.Installer.Tui.Tests.Support;
using Terminal.Gui.Input;
using Xunit;

namespace Keel.Installer.Tui.Tests;

/// <summary>Bad input at each field: the service's error shows beside (under) the field and the wizard stays on the screen.</summary>
public sealed class FieldErrorTests
{
    private static async Task GoToAsync(TuiHarness ui, int index)
    {
        while (await ui.ScreenAsync() < index)
        {
            int before = await ui.ScreenAsync();
            await ui.PressAsync(Key.F10);
            Assert.True(await ui.ScreenAsync() > before, "a default value was refused:\n" + await ui.CaptureAsync());
        }
    }

    [Fact]
    public async Task A_bad_host_name_is_shown_under_the_field()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await GoToAsync(ui, 3);
        await ui.ClearFieldAsync();
        await ui.TypeAsync("bad_name!");
        await ui.PressAsync(Key.F10);
        Assert.Equal(3, await ui.ScreenAsync());
        string under = Capture.Inner(Capture.RowUnder(await ui.CaptureAsync(), "Host name:"));
        Assert.Contains("bad_name!", under);
        await ui.ClearFieldAsync();
        await ui.TypeAsync("node-1");
        await ui.PressAsync(Key.F10);
        Assert.Equal(4, await ui.ScreenAsync());
    }

    [Fact]
    public async Task A_bad_mirror_url_is_shown_under_the_field()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await GoToAsync(ui, 4);
        await ui.PressAsync(Key.CursorDown, Key.CursorDown, Key.Tab);
        await ui.TypeAsync("not a url");
        await ui.PressAsync(Key.F10);
        Assert.Equal(4, await ui.ScreenAsync());
        Assert.NotEqual("", Capture.Inner(Capture.RowUnder(await ui.CaptureAsync(), "Mirror URL:")));
    }

    [Fact]
    public async Task Mismatched_passphrases_are_shown_under_the_fields()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await GoToAsync(ui, 6);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Space, Key.Tab);
        await ui.TypeAsync("correct horse");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("correct hose");
        await ui.PressAsync(Key.F10);
        Assert.Equal(6, await ui.ScreenAsync());
        string under = Capture.Inner(Capture.RowUnder(await ui.CaptureAsync(), "Passphrase:"));
        Assert.Contains("passphrase", under, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_custom_layout_without_an_esp_or_with_a_bad_size_will_not_boot_and_says_why()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await GoToAsync(ui, 6);
        // Layout list: Custom; then Tab x4 to the partition list (esp highlighted), Tab x8 to Delete, Enter.
        await ui.PressAsync(Key.Tab, Key.CursorDown);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Tab);
        Assert.Contains("EFI system partition", await ui.CaptureAsync());
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Tab, Key.Tab, Key.Tab, Key.Tab, Key.Tab, Key.Enter);
        string noEsp = await ui.ExpectAsync("Will not boot:");
        Assert.DoesNotContain("/boot/efi", Capture.RowBelow(noEsp, "Passphrase:", 2));
        await ui.PressAsync(Key.F10);
        Assert.Equal(6, await ui.ScreenAsync());

        // The remaining partition (root): back to the list (Shift+Tab x8), Tab x3 to Size, "lots", Tab x4 to Set, Enter.
        await ui.PressAsync(Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab);
        await ui.ClearFieldAsync(12);
        await ui.TypeAsync("lots");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Tab, Key.Enter);
        string badSize = await ui.ExpectAsync("Will not boot:");
        Assert.Contains("lots", badSize);
        Assert.Equal(6, await ui.ScreenAsync());
    }

    [Fact]
    public async Task Mismatched_passwords_and_an_invalid_pasted_key_are_shown_under_their_fields()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await GoToAsync(ui, 7);
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("admin");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync(WizardFlowTests.Password);
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("correct horse battery staple");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("ssh-ed25519 not-base64 me@host");
        await ui.PressAsync(Key.F10);
        Assert.Equal(7, await ui.ScreenAsync());
        string screen = await ui.CaptureAsync();
        Assert.Contains("password", Capture.Inner(Capture.RowUnder(screen, "Password:")), StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual("", Capture.Inner(Capture.RowBelow(screen, "Authorized SSH keys", 4)));
    }

    [Fact]
    public async Task A_disk_too_small_is_refused_with_its_size()
    {
        await using RealService service = await RealService.StartAsync("too-small");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await GoToAsync(ui, 6);
        string screen = await ui.CaptureAsync();
        Assert.Contains("1.0 GiB", screen);
        Assert.Contains("Will not boot", screen);
        await ui.PressAsync(Key.F10);
        Assert.Equal(6, await ui.ScreenAsync());
    }
}
