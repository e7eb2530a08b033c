using System.Diagnostics;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// The dnf (or dnf5, or yum) that installs packages for a root. For "/" it is the machine's own, run as cloud-init runs
/// it. For a target root it is the host's, run with --installroot, the root's repositories and dnf.conf only (never the
/// host's) and the rpm database where the root keeps it, so what it installs is what the root's own dnf would see.
/// </summary>
public sealed class PackageManager
{
    /// <summary>Package managers in the order they are looked for (cloud-init 22.4 prefers dnf to yum; dnf5 systems ship a dnf link).</summary>
    public static readonly IReadOnlyList<string> Candidates = ["dnf", "dnf5", "yum"];

    /// <summary>Where a root keeps its rpm database, in the order looked for; the first is used for a root that has none yet.</summary>
    public static readonly IReadOnlyList<string> RpmDbPaths = ["/usr/lib/sysimage/rpm", "/var/lib/rpm"];

    /// <summary>Repository directories of a root that the target-root dnf reads.</summary>
    public static readonly IReadOnlyList<string> RepoDirs = ["/etc/yum.repos.d", "/etc/distro.repos.d"];

    private readonly ModuleContext _context;

    private PackageManager(ModuleContext context, string executable)
    {
        _context = context;
        Executable = executable;
        IsDnf5 = Path.GetFileName(ResolveLinks(executable)).StartsWith("dnf5", StringComparison.Ordinal);
    }

    /// <summary>The package manager's absolute path on the host.</summary>
    public string Executable { get; }

    /// <summary>Whether it is dnf5 (which reads an install root's configuration by itself).</summary>
    public bool IsDnf5 { get; }

    /// <summary>Finds the package manager for the context's root; throws IOException when there is none.</summary>
    public static PackageManager Find(ModuleContext context)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in Candidates)
        {
            foreach (var dir in path)
            {
                var candidate = Path.Combine(dir, name);
                if (Path.IsPathRooted(candidate) && File.Exists(candidate))
                {
                    return new PackageManager(context, candidate);
                }
            }
        }

        throw new IOException($"no package manager: none of {string.Join(", ", Candidates)} is on PATH");
    }

    /// <summary>Runs the package manager with "-y" and <paramref name="arguments"/>; throws IOException naming the command on failure.</summary>
    public void Run(IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-y");
        string? scratch = null;
        try
        {
            if (!_context.Root.IsHostRoot)
            {
                scratch = Directory.CreateTempSubdirectory("keel-dnf-").FullName;
                AddTargetRootArguments(psi, scratch);
            }

            foreach (var a in arguments)
            {
                psi.ArgumentList.Add(a);
            }

            var shown = $"{Path.GetFileName(Executable)} {string.Join(' ', arguments)}";
            _context.Log.WriteLine($"package_update_upgrade_install: {shown}");
            using var process = Start(psi);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(_context.Options.ScriptTimeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new IOException($"{shown}: still running after {_context.Options.ScriptTimeout}, killed");
            }

            _context.Log.Write(stdout.GetAwaiter().GetResult());
            var err = stderr.GetAwaiter().GetResult();
            _context.Log.Write(err);
            if (process.ExitCode != 0)
            {
                var last = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
                throw new IOException($"{shown}: exited with status {process.ExitCode}{(last is null ? "" : ": " + last)}");
            }
        }
        finally
        {
            if (scratch is not null)
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private Process Start(ProcessStartInfo psi)
    {
        try
        {
            return Process.Start(psi) ?? throw new IOException($"{Executable}: could not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new IOException($"{Executable}: could not start: {ex.Message}", ex);
        }
    }

    private void AddTargetRootArguments(ProcessStartInfo psi, string scratch)
    {
        var root = _context.Root;
        psi.ArgumentList.Add("--installroot");
        psi.ArgumentList.Add(root.RootPath);

        // rpm takes its database path from the host's macros (Debian's is ~/.rpmdb); HOME's .rpmmacros overrides it with the root's.
        var dbPath = RpmDbPaths.FirstOrDefault(p => Directory.Exists(root.Resolve(p))) ?? RpmDbPaths[0];
        File.WriteAllText(Path.Combine(scratch, ".rpmmacros"), $"%_dbpath {dbPath}\n");
        psi.Environment["HOME"] = scratch;

        if (root.Resolve("/etc/os-release") is var osRelease && File.Exists(osRelease) &&
            File.ReadLines(osRelease).FirstOrDefault(l => l.StartsWith("VERSION_ID=", StringComparison.Ordinal)) is { } versionLine &&
            versionLine["VERSION_ID=".Length..].Trim('"', '\'', ' ') is { Length: > 0 } version)
        {
            // dnf finds $releasever in the root's rpmdb; a root without one (a bare target) still gets the right value.
            psi.ArgumentList.Add("--releasever");
            psi.ArgumentList.Add(version);
        }

        if (IsDnf5)
        {
            // dnf5 reads configuration and repositories from the install root unless --use-host-config is given.
            return;
        }

        // dnf 4 falls back to the host's dnf.conf and reposdir when the root has none, and takes --setopt=reposdir as a host
        // path; so both are given explicitly, resolved inside the root.
        var conf = root.Resolve("/etc/dnf/dnf.conf");
        if (!File.Exists(conf))
        {
            conf = Path.Combine(scratch, "dnf.conf");
            File.WriteAllText(conf, "[main]\n");
        }

        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(conf);
        psi.ArgumentList.Add("--setopt=reposdir=" + string.Join(',', RepoDirs.Select(d => root.Resolve(d))));
    }

    private static string ResolveLinks(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
