using Keel.Install.Processes;
using Keel.TargetSystem;

namespace Keel.Install.Boot;

/// <summary>A file of the target put into the initramfs by dracut --include: both paths absolute, the first inside the target root.</summary>
public sealed record InitramfsInclude(string SourceInRoot, string Destination);

/// <summary>
/// Makes the initramfs with the target's own generator (dracut), run inside the target as the distribution's
/// kernel-install would. It runs in a private mount namespace (unshare) with /proc, /sys and /dev mounted there, so the
/// mounts vanish with the namespace even when Keel is killed: nothing stays mounted on the host.
/// </summary>
public static class InitramfsBuilder
{
    /// <summary>Where dracut writes inside the target; moved out afterwards.</summary>
    private const string OutputInRoot = "/var/tmp/keel-initramfs.img";

    /// <summary>Runs dracut for <paramref name="kernel"/> and moves the result to <paramref name="destination"/> (a host path).</summary>
    public static Task BuildAsync(TargetRoot root, InstalledKernel kernel, string destination, long? sourceDateEpoch,
        IReadOnlyList<InitramfsInclude> includes, CancellationToken cancellationToken) =>
        BuildAsync(root, kernel, destination, sourceDateEpoch, includes, [], cancellationToken);

    /// <summary>As above, with dracut modules added to the generic set (dracut --add; the installer medium adds dmsquash-live).</summary>
    public static async Task BuildAsync(TargetRoot root, InstalledKernel kernel, string destination, long? sourceDateEpoch,
        IReadOnlyList<InitramfsInclude> includes, IReadOnlyList<string> addModules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(includes);
        ArgumentNullException.ThrowIfNull(addModules);
        if (!File.Exists(root.Resolve("/usr/bin/dracut")))
        {
            throw new InvalidDataException("boot.install: the target has no /usr/bin/dracut to make the initramfs; add the dracut package to the config");
        }

        root.CreateDirectory("/var/tmp");
        var output = root.Resolve(OutputInRoot, followFinal: false);
        File.Delete(output);
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin" };
        if (sourceDateEpoch is { } epoch)
        {
            env["SOURCE_DATE_EPOCH"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // The script is fixed text; the root path and kernel version are passed as arguments, never spliced into it.
        const string script = """
            set -e
            r=$1; shift
            mount -t proc proc "$r/proc"
            mount -t sysfs sysfs "$r/sys"
            mount --rbind /dev "$r/dev"
            exec chroot "$r" "$@"
            """;
        try
        {
            string[] args =
            [
                "--mount", "--propagation", "private", "--fork", "sh", "-c", script, "keel-dracut", root.RootPath,
                "/usr/bin/dracut", "--no-hostonly", "--reproducible", "--force",
                .. addModules.SelectMany(m => new[] { "--add", m }),
                .. includes.SelectMany(i => new[] { "--include", i.SourceInRoot, i.Destination }),
                OutputInRoot, kernel.Version,
            ];
            await StepTool.RunAsync("boot.install", "unshare", args, cancellationToken, env, "util-linux").ConfigureAwait(false);
            if (!File.Exists(output))
            {
                throw new IOException($"boot.install: dracut exited 0 but wrote no {OutputInRoot}");
            }

            File.Move(output, destination, overwrite: true);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
