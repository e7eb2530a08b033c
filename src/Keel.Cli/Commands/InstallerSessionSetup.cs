using Keel.Config.Presets;
using Keel.Installer;
using Keel.Installer.Service.Probes;
using Keel.Installer.Service.Session;
using Keel.Media;
using Keel.Repository;
using Keel.Repository.Definitions;

namespace Keel.Cli.Commands;

/// <summary>
/// The installer session's options for each way `keel installer` starts it: on the live medium (the verified medium, the
/// live machine) and on a development host (`--dry-run --profile FILE --repo DIR`: a machine profile, a repository
/// directory standing in for the medium's, no medium and no self-check).
/// </summary>
internal static class InstallerSessionSetup
{
    /// <summary>The environment variable --repo defaults to on a development host (the fixture repository the tests build).</summary>
    public const string FixtureRepoVariable = "KEEL_FIXTURE_REPO";

    /// <summary>The session on the live medium, after the medium checked itself and no unattended config was found.</summary>
    public static InstallerSessionOptions Live(InteractiveStart start, InstallerOptions options, IMachineProbe probe) => new()
    {
        DryRun = options.DryRun,
        Probe = probe,
        MediumDirectory = start.Medium,
        Info = start.Info,
        Installer = options,
        Presets = PresetCatalog.CreateDefault(options.PresetDirectories),
        MediumKeyFile = options.KeyFile ?? InstallerOptions.DefaultKeyFiles.FirstOrDefault(File.Exists),
        Power = new SystemPowerControl(),
        WorkDirectory = Path.Combine(options.StateDirectory, "installer-session"),
        Log = start.Log,
        ConsoleArguments = ConsoleArguments(options.CommandLineFile),
    };

    // The console= arguments of the live system's kernel command line (none when it cannot be read).
    private static IReadOnlyList<string> ConsoleArguments(string commandLineFile)
    {
        try
        {
            return [.. KernelCommandLine.Parse(File.ReadAllText(commandLineFile)).Parameters
                .Where(p => p.Name == "console" && !string.IsNullOrEmpty(p.Value))
                .Select(p => $"console={p.Value}")];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>A dry-run session on a development host: <paramref name="profile"/> is the machine, <paramref name="repository"/> the medium's repository.</summary>
    public static async Task<InstallerSessionOptions> DryRunAsync(string profile, string? repository, string? distribution, IReadOnlyList<string> presetDirectories, CancellationToken cancellationToken)
    {
        var repo = repository ?? Environment.GetEnvironmentVariable(FixtureRepoVariable);
        if (string.IsNullOrEmpty(repo))
        {
            throw new ArgumentException($"--repo: a dry run on this host needs a repository directory to stand in for the medium's (or set ${FixtureRepoVariable})");
        }

        repo = Path.GetFullPath(repo);
        if (!File.Exists(Path.Combine(repo, "repodata", "repomd.xml")))
        {
            throw new ArgumentException($"--repo {repo}: not an rpm-md repository (no repodata/repomd.xml)");
        }

        var catalog = PresetCatalog.CreateDefault(presetDirectories);
        var name = distribution ?? await GuessDistributionAsync(repo, catalog, cancellationToken).ConfigureAwait(false);
        if (!catalog.Distributions().Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"--distribution {name}: no presets for it on the preset path ({string.Join(":", catalog.SearchPath)})");
        }

        return new InstallerSessionOptions
        {
            DryRun = true,
            Probe = new ProfileMachineProbe(profile),
            Info = new MediumInfo { Name = $"dry run ({name})", Distribution = name, RepositoryId = "medium" },
            RepositoryDirectory = repo,
            Installer = new InstallerOptions { DryRun = true, PresetDirectories = presetDirectories },
            Presets = catalog,
            Power = new SystemPowerControl(),
        };
    }

    // The distribution whose presets' package names the repository has: the medium says which one it is, a bare
    // repository does not.
    private static async Task<string> GuessDistributionAsync(string repo, PresetCatalog catalog, CancellationToken cancellationToken)
    {
        using var loader = new RepositoryLoader();
        var loaded = await loader.LoadAsync(new RepositoryDefinition { Id = "guess", BaseUrls = [repo], GpgCheck = false, Origin = "--repo" },
            new RepositoryLoadOptions { IncludeComps = false, IncludeUpdateInfo = false }, cancellationToken).ConfigureAwait(false);
        var names = loaded.Packages.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var scores = catalog.Distributions().Select(distribution =>
        {
            var map = catalog.LoadNameMap(distribution);
            var wanted = catalog.PresetNames(distribution).Select(p => catalog.FindPreset(distribution, p)).OfType<string>()
                .SelectMany(f => PresetCatalog.LoadPresetFile(f).Packages).Select(n => map.Map(n, out _)).Distinct(StringComparer.Ordinal).ToList();
            return (Distribution: distribution, Found: wanted.Count == 0 ? 0 : (double)wanted.Count(names.Contains) / wanted.Count);
        }).OrderByDescending(s => s.Found).ToList();

        // Nine in ten of the presets' names is a match: a repository may lack a package only one preset names.
        if (scores.Count > 0 && scores[0].Found >= 0.9)
        {
            return scores[0].Distribution;
        }

        throw new ArgumentException($"--repo {repo}: no distribution's presets match its packages; name one with --distribution ({string.Join(", ", catalog.Distributions())})");
    }
}
