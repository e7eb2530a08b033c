using Keel.Media;

namespace Keel.Installer;

/// <summary>How `keel installer` runs: where the medium, its key and the kernel command line are, and what it may do.</summary>
public sealed record InstallerOptions
{
    /// <summary>The medium's root directory; null: <see cref="MediumLayout.LiveMountPoint"/>, found by label and mounted when empty.</summary>
    public string? MediumDirectory { get; init; }

    /// <summary>The key that signs the medium's manifest; null: /run/keel/medium-key.asc, then /etc/keel/medium-key.asc.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The kernel command line to read.</summary>
    public string CommandLineFile { get; init; } = KernelCommandLineFile;

    /// <summary>The running kernel's command line: the default, and how the CLI tells a booted medium from a test.</summary>
    public const string KernelCommandLineFile = "/proc/cmdline";

    /// <summary>Plan and show, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>The engine progress renderer: auto, plain or json (Keel.Progress).</summary>
    public string Progress { get; init; } = "plain";

    /// <summary>The live system's state directory: the fetched config, the install log (/run/keel).</summary>
    public string StateDirectory { get; init; } = "/run/keel";

    /// <summary>Where the ESP's efivars are; the boot entry is made only when this exists.</summary>
    public string EfiVariables { get; init; } = "/sys/firmware/efi/efivars";

    /// <summary>Most bytes a config fetched over http(s) may have.</summary>
    public int MaxConfigBytes { get; init; } = Keel.Config.Loading.ConfigLoader.MaxFileBytes;

    /// <summary>How long a config fetch may take.</summary>
    public TimeSpan ConfigTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the online repository may take to answer, when the medium does not say.</summary>
    public TimeSpan RepositoryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Preset directories searched before the default ones.</summary>
    public IReadOnlyList<string> PresetDirectories { get; init; } = [];

    /// <summary>
    /// Whether install.after may reboot or power off. Null: only in the live environment (no --medium given), so a
    /// development run on a host never powers the host off, whatever the config says.
    /// </summary>
    public bool? AllowPowerActions { get; init; }

    /// <summary>SOURCE_DATE_EPOCH for the engine, or null.</summary>
    public long? SourceDateEpoch { get; init; }

    /// <summary>The key files tried, in order, when <see cref="KeyFile"/> is not given.</summary>
    public static readonly IReadOnlyList<string> DefaultKeyFiles = [MediumLayout.LiveKeyPath, MediumLayout.InitramfsKeyPath];
}
