using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Session;

/// <summary>
/// The session's config as it is being built: the model every section edits, written whole with the config writer to
/// a private file after each change, read back with the loader and checked with the same validator as `keel config
/// validate`. The file is what a plan is made from (the plan's fingerprint covers its bytes). It holds the password
/// hash and, while encryption is chosen, the LUKS passphrase: so it lives in a 0700 directory on the live system's RAM
/// disk and is deleted with the session.
/// </summary>
public sealed class SessionDraft : IDisposable
{
    /// <summary>The file name of the session's config in its work directory.</summary>
    public const string FileName = "session.yaml";

    private readonly InstallerSessionOptions _options;
    private readonly bool _ownsDirectory;

    public SessionDraft(InstallerSessionOptions options)
    {
        _options = options;
        _ownsDirectory = options.WorkDirectory is null;
        Directory = options.WorkDirectory ?? System.IO.Directory.CreateTempSubdirectory("keel-installer-session").FullName;
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Config = new MachineConfig
        {
            Distribution = options.Info.Distribution is { Length: > 0 } d ? d : new MachineConfig().Distribution,
            Preset = options.Info.Presets.Count > 0 ? options.Info.Presets[0] : "minimal",
            KernelCommandLine = string.Join(' ', options.ConsoleArguments),
            Files = [new FileConfig { Path = DhcpNetworkFile, Content = DhcpNetwork, Mode = "0644" }],
        };
    }

    /// <summary>The installed machine's network config: DHCP on every Ethernet interface, as the live system had it.</summary>
    public const string DhcpNetworkFile = "/etc/systemd/network/80-keel-installer-dhcp.network";

    private const string DhcpNetwork = """
        # Written by the Keel installer: DHCP on every Ethernet interface, as during the install.
        [Match]
        Name=en* eth*

        [Network]
        DHCP=yes

        """;

    /// <summary>The draft every section edits.</summary>
    public MachineConfig Config { get; }

    /// <summary>The session's private directory.</summary>
    public string Directory { get; }

    /// <summary>The config file plans are made from.</summary>
    public string Path => System.IO.Path.Combine(Directory, FileName);

    /// <summary>Writes the draft and validates it: every diagnostic (structural and semantic) and the loaded config when it binds.</summary>
    public DraftCheck WriteAndValidate()
    {
        var text = ConfigWriter.Write(Config);
        var temp = Path + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }

        File.Move(temp, Path, overwrite: true);
        var result = ConfigLoader.Parse(text, Path, Directory);
        var diagnostics = new List<ConfigDiagnostic>(result.Diagnostics);
        if (result.Config is not null)
        {
            diagnostics.AddRange(ConfigValidator.Validate(result.Config, _options.Presets, _options.ZoneinfoDirectory));
        }

        return new DraftCheck(text, result.Config, diagnostics.Where(d => d.Severity == Severity.Error).ToList());
    }

    /// <summary>A fresh copy of the draft (read back from its YAML), for redaction without touching the draft.</summary>
    public static MachineConfig Copy(string yaml) =>
        ConfigLoader.Parse(yaml, "session", "/").Config?.Config ?? throw new InvalidDataException("the session's config cannot be read back");

    public void Dispose()
    {
        if (_ownsDirectory && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>The draft as written: its YAML, the loaded config (null when it does not bind), and the errors.</summary>
public sealed record DraftCheck(string Yaml, LoadedConfig? Loaded, IReadOnlyList<ConfigDiagnostic> Errors)
{
    /// <summary>The errors of one section as field errors.</summary>
    public List<FieldError> For(ConfigSection section) =>
        Errors.Where(e => ConfigSections.Of(e.Path) == section).Select(e => new FieldError(e.Path, e.Message, e.Hint)).ToList();

    /// <summary>Every error as a field error.</summary>
    public List<FieldError> All() => Errors.Select(e => new FieldError(e.Path, e.Message, e.Hint)).ToList();
}
