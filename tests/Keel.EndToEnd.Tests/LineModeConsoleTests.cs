using Keel.Tests;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// `keel installer --line` on a real terminal (tmux's pty), typed at as a person would: what is typed shows, except the
/// passphrase and the passwords. No machine is needed: the installer runs on the host in dry-run with a machine profile.
/// </summary>
public sealed class LineModeConsoleTests : IDisposable
{
    private const string Passphrase = "luks-Phrase-8812";
    private const string AdminPassword = "admin-Secret-4471";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    private readonly string _work = EndToEnd.Scratch("line-mode");

    public void Dispose() => EndToEnd.DeleteQuietly(_work);

    [Fact]
    public void Passwords_and_the_passphrase_are_not_echoed_while_other_answers_are()
    {
        var keel = Path.Combine(AppContext.BaseDirectory, "keel");
        var profile = Path.Combine(TestPaths.RepoRoot, "examples", "installer-profiles", "one-disk.json");
        string[] command = [keel, "installer", "--dry-run", "--line", "--profile", profile, "--repo", TestPaths.FixtureRepo];
        using var terminal = TmuxTerminal.Start(command, Path.Combine(_work, "line.log"), width: 200, height: 60);

        (string Prompt, string Answer)[] answers =
        [
            ("1. ", ""), ("2. ", ""), ("3. ", ""), ("4. Host name", "line-node"), ("5. ", ""), ("6. ", ""), ("7. ", ""),
            ("8. ", ""), ("9. Encrypt", "yes"), ("10. LUKS2 passphrase:", Passphrase), ("11. LUKS2 passphrase again:", Passphrase),
            ("12. ", ""), ("13. Administrator name", "lineadmin"), ("14. Administrator password:", AdminPassword),
            ("15. Password again:", AdminPassword), ("16. ", ""),
        ];
        foreach (var (prompt, answer) in answers)
        {
            terminal.WaitForOutput(prompt, Prompt);
            terminal.Type(answer);
            terminal.Press("Enter");
        }

        var transcript = terminal.WaitForOutput("17. ", Prompt);
        Assert.Contains("line-node", transcript, StringComparison.Ordinal);
        Assert.Contains("lineadmin", transcript, StringComparison.Ordinal);
        Assert.Contains("encrypted with LUKS2", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminPassword, transcript, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, terminal.Screen(), StringComparison.Ordinal);

        // Echo is back after the secrets: an ordinary answer typed now shows.
        terminal.Type("quit");
        terminal.Press("Enter");
        // The quit path ran (its exit code, 130, is LineInstallerTests' to check: tmux reports a status only once it has
        // reaped the process, and under a full suite keel has closed the terminal tens of seconds before it exited).
        terminal.WaitForOutput("Quit; nothing has been written to any disk.", Prompt);
        Assert.Matches(@"17\. [^\n]*: quit", terminal.PlainTranscript());
        terminal.WaitForExit(TimeSpan.FromMinutes(2)); // throws when keel never ends
    }
}
