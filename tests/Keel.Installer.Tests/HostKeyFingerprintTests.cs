using System.Diagnostics;
using Keel.Install.Steps;

namespace Keel.Installer.Tests;

public sealed class HostKeyFingerprintTests
{
    [Fact]
    public void The_fingerprint_is_what_ssh_keygen_prints()
    {
        var dir = Directory.CreateTempSubdirectory("keel-fp").FullName;
        try
        {
            var key = Path.Combine(dir, "k");
            Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
            var expected = Run("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").Split(' ')[1];
            Assert.Equal(expected, InstallRecordStep.Fingerprint(File.ReadAllText(key + ".pub")));
            Assert.Null(InstallRecordStep.Fingerprint("ssh-ed25519 not-base64!"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }
}
