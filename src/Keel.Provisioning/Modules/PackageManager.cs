using Keel.Processes;
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
        foreach (var name in Candidates)
        {
            if (ToolLookup.Find(name) is { } found)
            {
                return new PackageManager(context, found);
            }
        }

        throw new IOException($"no package manager: none of {string.Join(", ", Candidates)} is on PATH");
    }

    /// <summary>Runs the package manager with "-y" and <paramref name="arguments"/>; throws IOException naming the command on failure.</summary>
    public void Run(IReadOnlyList<string> arguments)
    {
        string? scratch = null;
        try
        {
            var all = new List<string> { "-y" };
            Dictionary<string, string>? environment = null;
            if (!_context.Root.IsHostRoot)
            {
                scratch = Directory.CreateTempSubdirectory("keel-dnf-").FullName;
                AddTargetRootArguments(all, scratch);

                // rpm takes its database path from the host's macros (Debian's is ~/.rpmdb); HOME's .rpmmacros overrides it with the root's.
                environment = new Dictionary<string, string> { ["HOME"] = scratch };
            }

            all.AddRange(arguments);
            var shown = $"{Path.GetFileName(Executable)} {string.Join(' ', arguments)}";
            _context.Log.WriteLine($"package_update_upgrade_install: {shown}");
            ModuleCommand.Run(_context, shown, Executable, all, environment);
        }
        finally
        {
            if (scratch is not null)
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private void AddTargetRootArguments(List<string> arguments, string scratch)
    {
        var root = _context.Root;
        arguments.Add("--installroot");
        arguments.Add(root.RootPath);
        var dbPath = RpmDbPaths.FirstOrDefault(p => Directory.Exists(root.Resolve(p))) ?? RpmDbPaths[0];
        File.WriteAllText(Path.Combine(scratch, ".rpmmacros"), $"%_dbpath {dbPath}\n");

        if (root.Resolve("/etc/os-release") is var osRelease && File.Exists(osRelease) &&
            File.ReadLines(osRelease).FirstOrDefault(l => l.StartsWith("VERSION_ID=", StringComparison.Ordinal)) is { } versionLine &&
            versionLine["VERSION_ID=".Length..].Trim('"', '\'', ' ') is { Length: > 0 } version)
        {
            // dnf finds $releasever in the root's rpmdb; a root without one (a bare target) still gets the right value.
            arguments.Add("--releasever");
            arguments.Add(version);
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

        arguments.Add("--config");
        arguments.Add(conf);
        arguments.Add("--setopt=reposdir=" + string.Join(',', RepoDirs.Select(d => root.Resolve(d))));
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
