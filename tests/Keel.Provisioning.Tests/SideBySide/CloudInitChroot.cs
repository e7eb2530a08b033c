using System.Diagnostics;
using Keel.Tests;

namespace Keel.Provisioning.Tests.SideBySide;

/// <summary>
/// The Debian bookworm chroot with the real cloud-init 22.4.2, built (once, cached under .work) by
/// tests/cloud-init-chroot/build.sh. When it cannot be built, <see cref="Path"/> throws with the script's reason, so every
/// test that needs it fails (never skips).
/// </summary>
public sealed class CloudInitChroot
{
    private readonly string? _path;
    private readonly string? _error;

    /// <summary>Runs the build script (a no-op when the chroot is already built).</summary>
    public CloudInitChroot()
    {
        var dest = Environment.GetEnvironmentVariable("KEEL_CLOUD_INIT_CHROOT") ?? System.IO.Path.Combine(TestPaths.RepoRoot, ".work", "cloud-init-chroot");
        var psi = new ProcessStartInfo(System.IO.Path.Combine(TestPaths.RepoRoot, "tests", "cloud-init-chroot", "build.sh")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dest);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.GetAwaiter().GetResult();
        if (p.ExitCode == 0)
        {
            _path = dest;
        }
        else
        {
            _error = $"tests/cloud-init-chroot/build.sh {dest} failed (exit {p.ExitCode}): {stderr.Trim()}";
        }
    }

    /// <summary>The chroot directory; throws (failing the test) with the build script's reason when it could not be built.</summary>
    public string Path => _path ?? throw new InvalidOperationException(_error);
}
