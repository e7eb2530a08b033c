using Keel.Cli;
using Keel.Errors;

namespace Keel.Installer.Tests;

/// <summary>`keel installer` through the command line, as keel-installer.service runs it.</summary>
public sealed class InstallerCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-installer-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task A_directory_that_is_not_a_medium_is_one_line_and_exit_1()
    {
        var cmdline = Path.Combine(_dir, "cmdline");
        File.WriteAllText(cmdline, "quiet\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await KeelCli.RunAsync(["installer", "--medium", _dir, "--cmdline", cmdline, "--dry-run"], stdout, stderr);
        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains($"installer stopped: --medium {_dir}: not an installer medium (no keel/manifest)", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_help_names_the_options()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await KeelCli.RunAsync(["installer", "--help"], stdout, new StringWriter()));
        foreach (var option in (string[])["--medium", "--key", "--cmdline", "--dry-run", "--progress"])
        {
            Assert.Contains(option, stdout.ToString(), StringComparison.Ordinal);
        }
    }
}
