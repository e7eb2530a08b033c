using System.Text.RegularExpressions;
using Keel.Installer.Api;
using Keel.Installer.Tui.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Keel.Installer.Tui.Tests;

/// <summary>The line mode (keel.ui=line) answered by a script through the real service in dry-run, to the finish.</summary>
public sealed class LineInstallerTests(ITestOutputHelper log)
{
    [Fact]
    public async Task A_scripted_session_with_choices_back_and_errors_reaches_the_finish()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        string[] answers =
        [
            "",                     // 1 locale: the default
            "?",                    // 2 keyboard: list the choices
            "de",
            "Europe/Berlin",        // 3 time zone
            "back",                 // ...back to the time zone
            "Europe/Berlin",
            "bad_name!",            // 4 host name: refused, asked again
            "node-1",
            "",                     // 5 source: the medium
            "",                     // 6 preset
            "",                     // 7 no more packages
            "",                     // 8 disk: the default
            "no",                   // 9 no encryption
            "",                     // 12 lock root: yes
            "admin",                // 13
            WizardFlowTests.Password,
            "something else",       // 15 refused: the passwords differ
            WizardFlowTests.Password,
            "",                     // 16 no keys
            "",                     // 17 review
            "",                     // 18 do not save
            "yes",                  // 19 not the word: asked again, naming the disk
            "install",
            "exit",
        ];
        var output = new StringWriter();
        int code = await new LineInstaller(service.Api, new StringReader(string.Join("\n", answers) + "\n"), output).RunAsync(default);
        string text = output.ToString();
        log.WriteLine(text);
        Assert.Equal(0, code);

        // The output has no typed answers in it (a console echoes them), so prompts run on: count them in the text.
        Assert.Contains("   de-latin1", text);                                                    // "?" listed the keyboards
        Assert.Equal(2, Regex.Count(text, @"3\. Time zone \["));                                 // asked again after "back"
        Assert.Matches(@"4\. Host name \[localhost\]:    error: hostname: 'bad_name!'[^\n]*\n4\. Host name", text); // repeated
        Assert.Matches(@"15\. Password again:    error: [^\n]*password[^\n]*\n15\. Password again", text);
        Assert.Contains("19. Type 'install' to erase /dev/disk/by-id/virtio-keel-disk-0001 (Virtio Block Device, 32.0 GiB) and install", text);
        Assert.Contains("nothing was written to /dev/vda", text);

        SessionState state = await service.Session.GetSessionAsync(default);
        Assert.Equal(SessionPhase.Finished, state.Phase);
        Assert.Equal("node-1", state.Network.Hostname);
        Assert.Equal(new RegionalSettings(state.Regional.Locale, "de", "Europe/Berlin"), state.Regional);
        Assert.Equal("admin", state.Users.AdminName);
    }

    [Fact]
    public async Task End_of_input_quits_with_130_before_anything_is_written()
    {
        await using RealService service = await RealService.StartAsync("one-disk");
        var output = new StringWriter();
        int code = await new LineInstaller(service.Api, new StringReader("\n\n"), output).RunAsync(default);
        Assert.Equal(TextInstaller.QuitExitCode, code);
        Assert.Contains("nothing has been written", output.ToString());
        Assert.Equal(SessionPhase.Editing, (await service.Session.GetSessionAsync(default)).Phase);
    }
}
