namespace Keel.Config.Model;

/// <summary>A keel/v1 machine config: everything needed to build or install one machine. Property initial values are the documented defaults.</summary>
public sealed class MachineConfig
{
    /// <summary>The only version this model reads.</summary>
    public const string CurrentApiVersion = "keel/v1";

    [ConfigRequired]
    public string ApiVersion { get; set; } = CurrentApiVersion;

    public MachineKind Kind { get; set; } = MachineKind.Machine;

    /// <summary>Which distribution's presets and name map apply.</summary>
    public string Distribution { get; set; } = "azurelinux-4.0";

    /// <summary>A preset name of the distribution, or a path to a preset file (relative to the config).</summary>
    public string Preset { get; set; } = "minimal";

    public MachineArchitecture Arch { get; set; } = MachineArchitecture.X86_64;

    public PackageSelection Packages { get; set; } = new();

    public List<RepositoryConfig> Repositories { get; set; } = [];

    public StorageConfig Storage { get; set; } = new();

    public BootloaderType Bootloader { get; set; } = BootloaderType.SystemdBoot;

    /// <summary>Extra kernel arguments; root=, ro and the SELinux arguments are added by keel.</summary>
    public string KernelCommandLine { get; set; } = "";

    public SelinuxMode Selinux { get; set; } = SelinuxMode.Enforcing;

    public string Locale { get; set; } = "C.UTF-8";

    public string Keyboard { get; set; } = "us";

    public string Timezone { get; set; } = "UTC";

    /// <summary>Null: /etc/hostname is not written, so DHCP or cloud-init names the machine.</summary>
    public string? Hostname { get; set; }

    public List<UserConfig> Users { get; set; } = [];

    public List<GroupConfig> Groups { get; set; } = [];

    public SshConfig Ssh { get; set; } = new();

    public ServicesConfig Services { get; set; } = new();

    public List<FileConfig> Files { get; set; } = [];

    public List<SystemRepository> SystemRepositories { get; set; } = [];

    public OutputConfig Output { get; set; } = new();

    /// <summary>How an install from the installer medium runs and ends.</summary>
    public InstallConfig Install { get; set; } = new();

    /// <summary>Null: UUIDs are random; set: every UUID is derived from it, for bit-identical rebuilds.</summary>
    public string? Seed { get; set; }
}

/// <summary>Packages added to and removed from the preset's list.</summary>
public sealed class PackageSelection
{
    public List<string> Include { get; set; } = [];

    public List<string> Exclude { get; set; } = [];
}

/// <summary>A package repository the build reads (not configured on the machine; see <see cref="SystemRepository"/>).</summary>
public sealed class RepositoryConfig
{
    [ConfigRequired]
    public string Id { get; set; } = "";

    /// <summary>http(s) or file URL of the repository root.</summary>
    public string? Baseurl { get; set; }

    /// <summary>A local directory, relative to the config file.</summary>
    public string? Path { get; set; }

    /// <summary>Key URLs or files (relative to the config file).</summary>
    public List<string> Gpgkeys { get; set; } = [];

    /// <summary>Pinned primary-key fingerprints: only keys with one of them count (and an http key is allowed when pinned).</summary>
    public List<string> GpgkeyFingerprints { get; set; } = [];

    public bool Gpgcheck { get; set; } = true;

    public bool RepoGpgcheck { get; set; }

    /// <summary>dnf priority: lower wins.</summary>
    public int Priority { get; set; } = 99;

    /// <summary>Refuse metadata whose newest repomd timestamp is older than this ("7d", "12h", "90m", seconds); null: no limit.</summary>
    public string? MetadataMaxAge { get; set; }
}

/// <summary>A `.repo` file written to /etc/yum.repos.d on the installed machine.</summary>
public sealed class SystemRepository
{
    [ConfigRequired]
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    [ConfigRequired]
    public string Baseurl { get; set; } = "";

    public List<string> Gpgkeys { get; set; } = [];

    public bool Gpgcheck { get; set; } = true;

    public bool RepoGpgcheck { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Null: /etc/yum.repos.d/ID.repo.</summary>
    public string? File { get; set; }
}

/// <summary>Settings of `keel build`'s image.</summary>
public sealed class OutputConfig
{
    /// <summary>Null: from the output file's extension.</summary>
    public ImageFormat? Format { get; set; }

    /// <summary>The image's virtual size.</summary>
    public string Size { get; set; } = "8GiB";
}
