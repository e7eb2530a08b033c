namespace Keel.Config.Model;

/// <summary>A keel/v1 `kind: Medium` document: what an installer medium carries and how its live environment is made.</summary>
public sealed class MediumConfig
{
    [ConfigRequired]
    public string ApiVersion { get; set; } = MachineConfig.CurrentApiVersion;

    [ConfigRequired]
    public MediumKind Kind { get; set; } = MediumKind.Medium;

    /// <summary>Which distribution's presets and name map apply (as in a machine config).</summary>
    public string Distribution { get; set; } = "azurelinux-4.0";

    public MachineArchitecture Arch { get; set; } = MachineArchitecture.X86_64;

    /// <summary>The product name shown on the console and in the boot entry.</summary>
    public string Name { get; set; } = "Azure Linux 4.0";

    /// <summary>The ISO volume label (at most 32 of A-Z, 0-9 and '_'); the live environment finds the medium by it.</summary>
    public string VolumeLabel { get; set; } = "AZL_4_0_INSTALL";

    /// <summary>The presets the medium offers; its offline repository carries every package they need.</summary>
    public List<string> Presets { get; set; } = ["minimal", "container-host", "developer-workstation"];

    /// <summary>Packages the offline repository carries beyond the presets' (with their dependencies).</summary>
    public List<string> ExtraPackages { get; set; } = [];

    /// <summary>The signed repositories the offline repository is made from.</summary>
    public List<RepositoryConfig> Repositories { get; set; } = [];

    /// <summary>The repository preferred during setup when reachable (`keel.repo=URL` on the kernel command line overrides its URL); null: always the medium's.</summary>
    public OnlineRepository? Online { get; set; }

    public LiveEnvironment Live { get; set; } = new();

    /// <summary>Null: UUIDs and timestamps are random; set: the ISO is bit-identical for the same inputs and SOURCE_DATE_EPOCH.</summary>
    public string? Seed { get; set; }
}

/// <summary>The online repository an install from the medium prefers.</summary>
public sealed class OnlineRepository
{
    [ConfigRequired]
    public string Id { get; set; } = "";

    /// <summary>http or https URL of the repository root.</summary>
    [ConfigRequired]
    public string Baseurl { get; set; } = "";

    /// <summary>Key URLs or files (relative to the config); empty: the keys the medium carries for its own repository.</summary>
    public List<string> Gpgkeys { get; set; } = [];

    /// <summary>Seconds to wait for the repository before falling back to the medium's.</summary>
    public int Timeout { get; set; } = 10;
}

/// <summary>The live environment the medium boots: a preset of the distribution, installed by Keel.</summary>
public sealed class LiveEnvironment
{
    /// <summary>A preset name of the distribution or a preset file (relative to the config).</summary>
    public string Preset { get; set; } = "live";

    public PackageSelection Packages { get; set; } = new();

    /// <summary>Repositories only the live environment is built from (for example Keel's own packages); they are not carried.</summary>
    public List<RepositoryConfig> Repositories { get; set; } = [];

    /// <summary>How the live root is stored: a compressed image on the medium with a RAM overlay, or all of it in the initramfs.</summary>
    public LiveRootFormat Root { get; set; } = LiveRootFormat.Squashfs;

    /// <summary>Extra kernel arguments of the live environment (the console, for instance).</summary>
    public string KernelCommandLine { get; set; } = "";
}
