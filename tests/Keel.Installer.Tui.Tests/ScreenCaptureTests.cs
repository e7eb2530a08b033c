using Keel.Installer.Tui.Tests.Support;
using Terminal.Gui.Input;
using Xunit;

namespace Keel.Installer.Tui.Tests;

/// <summary>
/// Writes every screen's 80x24 text capture against the real service in dry-run (several-disks-usb profile): the
/// captures in docs/installer.md come from here (KEEL_TUI_CAPTURES=DIR keeps them in DIR).
/// </summary>
public sealed class ScreenCaptureTests
{
    [Fact]
    public async Task Every_screen_is_captured_at_80x24()
    {
        string target = Environment.GetEnvironmentVariable("KEEL_TUI_CAPTURES") is { Length: > 0 } dir
            ? Directory.CreateDirectory(dir).FullName
            : Directory.CreateTempSubdirectory("keel-tui-captures").FullName;
        await using RealService service = await RealService.StartAsync("several-disks-usb");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        var written = new List<string>();
        async Task Save(string name)
        {
            string capture = await ui.CaptureAsync();
            string[] rows = Capture.Rows(capture.TrimEnd('\n'));
            Assert.Equal(24, rows.Length);
            Assert.All(rows, r => Assert.True(r.Length <= 80, $"row wider than 80: '{r}'"));
            string file = Path.Combine(target, $"{written.Count + 1:00}-{name}.txt");
            await File.WriteAllTextAsync(file, string.Join("\n", rows.Select(r => r.TrimEnd())) + "\n");
            written.Add(file);
        }

        await ui.TypeAsync("en_US");
        await Save("locale");
        await ui.PressAsync(Key.F10);
        await ui.TypeAsync("de");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter);
        await Save("keyboard");
        await ui.PressAsync(Key.F10);
        await ui.TypeAsync("Berlin");
        await Save("timezone");
        await ui.PressAsync(Key.F10);
        await ui.ClearFieldAsync();
        await ui.TypeAsync("keel-test");
        await Save("network");
        await ui.PressAsync(Key.F10);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter);
        await Save("source");
        await ui.PressAsync(Key.F10);
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("gdb");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Enter, Key.Tab, Key.Tab);
        await Save("packages");
        await ui.PressAsync(Key.F10);
        await ui.PressAsync(Key.CursorDown);
        await Save("disk");
        await ui.PressAsync(Key.F10);
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("admin");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("correct horse battery");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("correct horse battery");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter, Key.Tab, Key.Space);
        await Save("users");
        await ui.PressAsync(Key.F10);
        await Save("review");
        await ui.PressAsync(Key.F10);
        await Save("review-confirm");
        await ui.PressAsync(Key.F10);
        await Save("progress");
        for (int i = 0; i < 100 && (await ui.CaptureAsync()).Contains("Installing...", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }
        await Save("progress-done");
        await ui.PressAsync(Key.F10);
        await Save("finish");
        Assert.Equal(13, written.Count);
    }
}
