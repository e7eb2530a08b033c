using Keel.Installer.Api;
using Keel.Installer.Tui.Tests.Support;
using Terminal.Gui.Input;
using Xunit;

namespace Keel.Installer.Tui.Tests;

/// <summary>The wizard driven by keys only, as docs/installer.md tells a person (and the E2E test) to type them.</summary>
public sealed class WizardFlowTests
{
    /// <summary>Screens 1-8 with a value changed on each; returns each screen's body as it was left (by 0-based index).</summary>
    private static async Task<Dictionary<int, string>> FillScreensAsync(TuiHarness ui)
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
        await ui.ExpectAsync("keyboard de not loaded");
        await ui.TypeAsync("zyx");
        await Leave(1);
        // 3 time zone.
        await ui.TypeAsync("Berlin");
        await ui.ExpectAsync("Chosen: Europe/Berlin");
        await Leave(2);
        // 4 host name: the field is focused and holds the machine's name.
        await ui.ClearFieldAsync();
        await ui.TypeAsync("keel-test");
        await Leave(3);
        // 5 source: the medium (the list is focused; Check with Tab Tab Enter).
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter);
        await ui.ExpectAsync("reachable, signed by a trusted key");
        await Leave(4);
        // 6 preset Container Host, add vim: Down, Tab search, type, Tab Tab Tab to Add, Enter.
        await ui.PressAsync(Key.CursorDown, Key.Tab);
        await ui.TypeAsync("vim");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Enter);
        await ui.ExpectAsync("in 7 packages");
        await Leave(5);
        // 7 disk: Down to the NVMe, Tab layout, Tab Encrypt (Space), Tab passphrase, Tab again.
        await ui.PressAsync(Key.CursorDown, Key.Tab, Key.Tab, Key.Space, Key.Tab);
        await ui.TypeAsync("correct horse");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("correct horse");
        await ui.PressAsync(Key.Tab);
        await ui.ExpectAsync("Will boot.");
        await Leave(6);
        // 8 users: Lock root stays ticked; Tab admin, Tab password, Tab again, Tab keys, Tab Import (Enter), Tab list (Space).
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("admin");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("pw");
        await ui.PressAsync(Key.Tab);
        await ui.TypeAsync("pw");
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Enter, Key.Tab, Key.Space);
        await ui.ExpectAsync("[x] ssh-ed25519");
        await Leave(7);
        return left;
    }

    [Fact]
    public async Task Forward_through_all_eleven_screens_to_the_finish()
    {
        var api = new StandInInstallerApi(Machines.SeveralDisksUsb());
        await using TuiHarness ui = await TuiHarness.StartAsync(api);
        await FillScreensAsync(ui);

        // 9 review: F10 asks to confirm naming the disk, F10 again installs.
        string review = await ui.ExpectAsync("9/11 Review");
        Assert.Contains("Ready to install", review);
        Assert.Contains("/dev/disk/by-id/nvme-WD_BLACK_SN770_1TB_22123A", review);
        Assert.Contains("WD_BLACK SN770 1TB, 931.5 GiB", review);
        await ui.PressAsync(Key.Tab, Key.Tab, Key.Tab, Key.Enter);
        await ui.ExpectAsync("config saved (/dev/sdb1:/keel/config.yaml)");
        await ui.PressAsync(Key.F10);
        string confirm = await ui.ExpectAsync("ERASE /dev/disk/by-id/nvme-WD_BLACK_SN770_1TB_22123A");
        Assert.Contains("(WD_BLACK SN770 1TB, 931.5 GiB)", confirm);
        Assert.Equal(8, await ui.ScreenAsync());
        await ui.PressAsync(Key.F10);

        // 10 progress, until the events say finished.
        string progress = await ui.ExpectAsync("10/11 Installing");
        for (int i = 0; i < 50 && !progress.Contains("Installed. F10 goes on.", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            progress = await ui.CaptureAsync();
        }
        Assert.Contains("[x] Partition the disk", progress);
        Assert.Contains("packages installed", progress);
        await ui.PressAsync(Key.F2);
        Assert.Equal(9, await ui.ScreenAsync()); // no way back once installing

        // 11 finish: the host key, then F10 (Exit) ends with 0.
        await ui.PressAsync(Key.F10);
        string finish = await ui.ExpectAsync("11/11 Finished");
        Assert.Contains("ED25519 SHA256:dryrunhostkeyfingerprint", finish);
        Assert.Contains("/tmp/keel-dry-run/config.yaml", finish);
        await ui.PressAsync(Key.F10);
        Assert.Equal(0, await ui.Exit.WaitAsync(TimeSpan.FromSeconds(10)));

        // What the service got is what was typed and ticked.
        Assert.Equal(new RegionalSettings("en_US.UTF-8", "de", "Europe/Berlin"), (await api.GetSessionAsync(default)).Regional);
        Assert.Equal("keel-test", (await api.GetSessionAsync(default)).Network.Hostname);
        Assert.Equal(["vim"], (await api.GetSessionAsync(default)).Packages.Add);
        Assert.Equal("container-host", (await api.GetSessionAsync(default)).Packages.Preset);
        Assert.Equal("/dev/disk/by-id/nvme-WD_BLACK_SN770_1TB_22123A", api.LastStorage!.Disk);
        Assert.Equal("correct horse", api.LastPassphrase);
        Assert.Equal("admin", api.LastUsers!.AdminName);
        Assert.True(api.LastUsers.RootLocked);
        Assert.Equal(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx admin@laptop"], api.LastUsers.AuthorizedKeys);
    }

    [Fact]
    public async Task Going_back_from_every_screen_finds_the_values_kept()
    {
        var api = new StandInInstallerApi(Machines.SeveralDisksUsb());
        await using TuiHarness ui = await TuiHarness.StartAsync(api);
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
        var api = new StandInInstallerApi(Machines.SeveralDisksUsb());
        await using TuiHarness ui = await TuiHarness.StartAsync(api);
        await ui.PressAsync(Key.Esc);
        await ui.ExpectAsync("Press Esc again to quit");
        Assert.False(ui.Exit.IsCompleted);
        await ui.PressAsync(Key.Esc);
        Assert.Equal(TextInstaller.QuitExitCode, await ui.Exit.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
