using Keel.Config.Presets;
using Keel.Installer.Service.Probes;
using Keel.Media;
using Keel.Repository.Cache;

namespace Keel.Installer.Service.Session;

/// <summary>
/// What an installer session runs against: the machine (live or a dry-run profile), the medium (its directory and
/// description) or, on a development host, a repository directory standing in for the medium's repository, the
/// installer's options, the presets, the power switch, and a private work directory for the session's config file.
/// </summary>
public sealed record InstallerSessionOptions
{
    /// <summary>Show everything, write no disk, power nothing.</summary>
    public bool DryRun { get; init; }

    public required IMachineProbe Probe { get; init; }

    /// <summary>The medium's root directory; null on a development host (then <see cref="RepositoryDirectory"/> is the source).</summary>
    public string? MediumDirectory { get; init; }

    /// <summary>The medium's description (on a host: one made up for the repository: name, distribution, repository id).</summary>
    public required MediumInfo Info { get; init; }

    /// <summary>A repository directory that stands in for the medium's repository (`--repo DIR`); its RPM-GPG-KEY-* files are its keys.</summary>
    public string? RepositoryDirectory { get; init; }

    public InstallerOptions Installer { get; init; } = new();

    public required PresetCatalog Presets { get; init; }

    /// <summary>The key that signed the medium; also trusted for a mirror of the medium's distribution.</summary>
    public string? MediumKeyFile { get; init; }

    public required IPowerControl Power { get; init; }

    /// <summary>Runs efibootmgr and friends after a real install.</summary>
    public ISystemAccess System { get; init; } = new HostSystemAccess();

    /// <summary>Where the session keeps its config file (created 0700); null: a new directory under /run/keel or the temp directory.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>
    /// The install log to continue (the live installer's, which already holds the medium's check); null: a new one at
    /// the installer options' state directory (none in dry-run). The session never closes a log it was given.
    /// </summary>
    public InstallLog? Log { get; init; }

    /// <summary>Repository metadata cache; null: the default.</summary>
    public KeelCache? Cache { get; init; }

    /// <summary>The time zone database time zones are checked against.</summary>
    public string ZoneinfoDirectory { get; init; } = Keel.Config.Validation.ConfigValidator.DefaultZoneinfo;

    /// <summary>
    /// The live system's console= kernel arguments, carried into the installed machine's command line (as Anaconda does),
    /// so its boot messages and the LUKS passphrase prompt appear on the console the installer ran on.
    /// </summary>
    public IReadOnlyList<string> ConsoleArguments { get; init; } = [];

    /// <summary>How long each step of a dry-run install pretends to take, so a progress screen can be watched.</summary>
    public TimeSpan DryRunStepDelay { get; init; } = TimeSpan.FromMilliseconds(40);
}
