using Keel.Installer.Tui.Tests.Support;
using Terminal.Gui.Input;
using Xunit;

namespace Keel.Installer.Tui.Tests;

public sealed class UsbKeyAndAsciiTests
{
    [Fact]
    public async Task Usb_keys_are_listed_and_a_broken_one_cannot_be_ticked()
    {
        await using RealService service = await RealService.StartAsync("several-disks-usb");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        for (int i = 0; i < 7; i++)
        {
            await ui.PressAsync(Key.F10);
        }
        Assert.Equal(7, await ui.ScreenAsync());
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("admin");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync(WizardFlowTests.Password);
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync(WizardFlowTests.Password);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter, Key.Tab);
        string listed = await ui.CaptureAsync();
        Assert.Contains("SHA256:", listed);
        Assert.Contains("[-] invalid, not importable", listed);

        // Down to the broken line (the third), Space: refused; the first key ticked with Space.
        await ui.PressAsync(Key.CursorDown, Key.CursorDown, Key.Space);
        string refused = await ui.CaptureAsync();
        Assert.Contains("Not importable:", refused);
        Assert.DoesNotContain("[x]", refused);
        await ui.PressAsync(Key.CursorUp, Key.CursorUp, Key.Space);
        Assert.Contains("[x] ssh-ed25519", await ui.CaptureAsync());
        await ui.PressAsync(Key.F10);
        Assert.Equal(8, await ui.ScreenAsync());
        var state = await service.Session.GetSessionAsync(default);
        Assert.StartsWith("ssh-ed25519 ", Assert.Single(state.Users.AuthorizedKeys));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ascii_mode_draws_no_box_glyphs(bool ascii)
    {
        await using RealService service = await RealService.StartAsync("several-disks-usb");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api, ascii);
        var screens = new List<string> { await ui.CaptureAsync() };
        for (int i = 0; i < 7; i++)
        {
            await ui.PressAsync(Key.F10);
            screens.Add(await ui.CaptureAsync());
        }
        string all = string.Join("\n", screens);
        if (ascii)
        {
            Assert.All(all, c => Assert.True(c < 128, $"non-ASCII '{c}' (U+{(int)c:X4}) in:\n{all}"));
            Assert.Contains("+-----", all);
            Assert.Contains("X Lock root", all);
        }
        else
        {
            Assert.Contains('\u250C', all); // the frame's corner, so the ASCII check above can fail
        }
    }

    [Theory]
    [InlineData("linux", "en_US.UTF-8", true)]
    [InlineData("vt220", "en_US.UTF-8", true)]
    [InlineData("dumb", null, true)]
    [InlineData("xterm-256color", "C", true)]
    [InlineData("xterm-256color", "en_US.utf8", false)]
    [InlineData("tmux-256color", "C.UTF-8", false)]
    [InlineData(null, "C.UTF-8", true)]
    public void Ascii_is_chosen_from_term_and_locale(string? term, string? lang, bool ascii)
    {
        var env = new Dictionary<string, string?> { ["TERM"] = term, ["LANG"] = lang };
        Assert.Equal(ascii, TextUiOptions.DetectAscii(name => env.GetValueOrDefault(name)));
    }

    [Fact]
    public void Lc_all_wins_over_lang()
    {
        var env = new Dictionary<string, string?> { ["TERM"] = "xterm", ["LC_ALL"] = "C", ["LANG"] = "en_US.UTF-8" };
        Assert.True(TextUiOptions.DetectAscii(name => env.GetValueOrDefault(name)));
    }
}
