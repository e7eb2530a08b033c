using Keel.Installer.Api;
using Keel.Installer.Tui.Tests.Support;
using Terminal.Gui.Input;
using Xunit;

namespace Keel.Installer.Tui.Tests;

/// <summary>
/// The wizard against the real installer service in dry-run (several-disks-usb profile, fixture repository), driven by
/// keys only, as docs/installer.md tells a person (and the E2E test) to type them.
/// </summary>
public sealed class WizardFlowTests
{
    internal const string Password = "correct horse battery";

    /// <summary>Screens 1-8 with a value changed on each; returns each screen's body as it was left (by 0-based index).</summary>
    internal static async Task<Dictionary<int, string>> FillScreensAsync(TuiHarness ui)
    {
        var left = new Dictionary<int, string>();
        async Task Leave(int index)
        {
            Assert.Equal(index, await ui.ScreenAsync());
            left[index] = Capture.Body(await ui.CaptureAsync());
            await ui.PressAsync(Key.F10);
        }

        // 1 locale: the search field has the focus.
        await ui.TypeAsync("en_US");
        await ui.ExpectAsync("Chosen: en_US.UTF-8");
        await Leave(0);
        // 2 keyboard: search, Tab list, Tab Apply (Enter), Tab try-it.
        await ui.TypeAsync("de");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter, Key.Tab);
        await ui.ExpectAsync("keyboard 'de'");
        await ui.TypeAsync("zyx");
        await Leave(1);
        // 3 time zone.
        await ui.TypeAsync("Berlin");
        await ui.ExpectAsync("Chosen: Europe/Berlin");
        await Leave(2);
        // 4 host name: the field is focused and holds the machine's name, selected: typing replaces it (no Home/End
        // needed, which a vt102 serial console does not send).
        await ui.ExpectAsync("rack3-node7");
        await ui.TypeAsync("keel-test");
        await Leave(3);
        // 5 source: the medium (the list is focused; Check is Tab Tab Enter).
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter);
        await ui.ExpectAsync("reachable, signed by a trusted key");
        await Leave(4);
        // 6 packages: Tab to search, type, Tab Tab Tab to Add, Enter.
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("gdb");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Enter);
        await ui.ExpectAsync("Installed size:");
        await Leave(5);
        // 7 disk: Down to the NVMe; the guided layout.
        await ui.PressAsync(Key.CursorDown);
        await ui.ExpectAsync("Will boot.");
        await Leave(6);
        // 8 users: Lock root stays ticked; Tab admin, Tab password, Tab again, Tab keys, Tab Import (Enter), Tab list (Space).
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("admin");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync(Password);
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync(Password);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter, Key.Tab, Key.Space);
        await ui.ExpectAsync("[x] ssh-ed25519");
        await Leave(7);
        return left;
    }

    [Fact]
    public async Task Forward_through_all_eleven_screens_to_the_finish_over_the_socket()
    {
        await using RealService service = await RealService.StartAsync("several-disks-usb", overSocket: true);
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await FillScreensAsync(ui);

        // 9 review: Save (Tab Tab Tab Enter), then F10 asks to confirm naming the disk, F10 again installs.
        string review = await ui.ExpectAsync("9/11 Review");
        Assert.Contains("Ready to install", review);
        Assert.Contains("/dev/disk/by-id/nvme-WD_BLACK_SN770_1TB_22123A456789", review);
        Assert.Contains("WD_BLACK SN770 1TB, 931.5 GiB", review);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Enter);
        Assert.Contains("config saved to", Capture.RowUnder(await ui.CaptureAsync(), "Save config to:"));
        await ui.PressAsync(Key.F10);
        string confirm = await ui.ExpectAsync("ERASE /dev/disk/by-id/nvme-WD_BLACK_SN770_1TB_22123A456789");
        Assert.Contains("(WD_BLACK SN770 1TB, 931.5 GiB)", confirm);
        Assert.Equal(8, await ui.ScreenAsync());
        await ui.PressAsync(Key.F10);

        // 10 progress, until the events say finished; no way back once installing.
        string progress = await ui.ExpectAsync("10/11 Installing");
        for (int i = 0; i < 100 && !progress.Contains("Installed. F10 goes on.", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            progress = await ui.CaptureAsync();
        }
        Assert.Contains("Installed. F10 goes on.", progress);
        Assert.Contains("nothing was written to /dev/nvme0n1", progress);
        await ui.PressAsync(Key.F2);
        Assert.Equal(9, await ui.ScreenAsync());

        // 11 finish, then F10 (Exit) ends with 0.
        await ui.PressAsync(Key.F10);
        await ui.ExpectAsync("11/11 Finished");
        await ui.PressAsync(Key.F10);
        Assert.Equal(0, await ui.Exit.WaitAsync(TimeSpan.FromSeconds(10)));

        // What the service kept is what was typed and ticked.
        SessionState state = await service.Session.GetSessionAsync(default);
        Assert.Equal(new RegionalSettings("en_US.UTF-8", "de", "Europe/Berlin"), state.Regional);
        Assert.Equal("keel-test", state.Network.Hostname);
        Assert.Equal(["gdb"], state.Packages.Add);
        Assert.Contains("nvme-WD_BLACK_SN770_1TB_22123A456789", state.Storage!.Disk);
        Assert.Equal("admin", state.Users.AdminName);
        Assert.True(state.Users.RootLocked);
        Assert.True(state.Users.PasswordSet);
        string key = Assert.Single(state.Users.AuthorizedKeys);
        Assert.StartsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx", key);
    }

    [Fact]
    public async Task Going_back_from_every_screen_finds_the_values_kept()
    {
        await using RealService service = await RealService.StartAsync("several-disks-usb");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        Dictionary<int, string> left = await FillScreensAsync(ui);
        await ui.ExpectAsync("9/11 Review");
        for (int index = 7; index >= 0; index--)
        {
            await ui.PressAsync(Key.F2);
            Assert.Equal(index, await ui.ScreenAsync());
            Assert.Equal(left[index], Capture.Body(await ui.CaptureAsync()));
        }
        await ui.PressAsync(Key.F2);
        Assert.Equal(0, await ui.ScreenAsync()); // nothing before the first screen
        string first = await ui.CaptureAsync();
        Assert.Contains("Search:  en_US", first);
        Assert.Contains("Chosen: en_US.UTF-8", first);
    }

    [Fact]
    public async Task Esc_twice_quits_with_130()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        await using TuiHarness ui = await TuiHarness.StartAsync(service.Api);
        await ui.PressAsync(Key.Esc);
        await ui.ExpectAsync("Press Esc again to quit");
        Assert.False(ui.Exit.IsCompleted);
        await ui.PressAsync(Key.Esc);
        Assert.Equal(TextInstaller.QuitExitCode, await ui.Exit.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
