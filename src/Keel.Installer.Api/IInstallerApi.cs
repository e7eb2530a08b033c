namespace Keel.Installer.Api;

/// <summary>
/// What a front end of the interactive installer may ask of the installer service. Every decision (validation, layout,
/// package resolution, the plan, the install) is the service's; a client only shows answers and sends choices. Each
/// update returns the field errors of its section, found by the same validator as `keel config validate`.
/// </summary>
public interface IInstallerApi
{
    /// <summary>GET /v1/session: where the session is (editing, installing, finished, failed) and what was chosen so far.</summary>
    Task<SessionState> GetSessionAsync(CancellationToken cancellationToken);

    /// <summary>GET /v1/machine: the disks, removable volumes and network interfaces the service sees (or its dry-run profile).</summary>
    Task<MachineFacts> GetMachineAsync(CancellationToken cancellationToken);

    /// <summary>GET /v1/choices/{kind}?q=: locales, keyboards or timezones, filtered by a case-insensitive substring.</summary>
    Task<ChoiceList> GetChoicesAsync(ChoiceKind kind, string? query, CancellationToken cancellationToken);

    /// <summary>PUT /v1/config/regional: locale, keyboard, time zone.</summary>
    Task<SectionResult> UpdateRegionalAsync(RegionalSettings settings, CancellationToken cancellationToken);

    /// <summary>POST /v1/keyboard/apply: loads the layout on the machine's console now, so it can be tried.</summary>
    Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken);

    /// <summary>PUT /v1/config/network: the host name.</summary>
    Task<SectionResult> UpdateNetworkAsync(NetworkSettings settings, CancellationToken cancellationToken);

    /// <summary>POST /v1/source/check: is the source reachable, and is its metadata signed by a key the medium trusts.</summary>
    Task<SourceCheckResult> CheckSourceAsync(SourceSettings settings, CancellationToken cancellationToken);

    /// <summary>PUT /v1/config/source: the installation source.</summary>
    Task<SectionResult> UpdateSourceAsync(SourceSettings settings, CancellationToken cancellationToken);

    /// <summary>GET /v1/presets: each preset with its one-line description and installed size from the chosen source.</summary>
    Task<IReadOnlyList<PresetSummary>> GetPresetsAsync(CancellationToken cancellationToken);

    /// <summary>PUT /v1/config/packages: preset plus additions and removals; answers with the resolved selection.</summary>
    Task<PackageSelectionView> UpdatePackagesAsync(PackageSettings settings, CancellationToken cancellationToken);

    /// <summary>GET /v1/packages?q=: packages of the source matching a name or summary substring.</summary>
    Task<IReadOnlyList<PackageEntry>> SearchPackagesAsync(string query, CancellationToken cancellationToken);

    /// <summary>GET /v1/packages/{name}/why: why a package is in the selection, as a chain from the request to it.</summary>
    Task<WhyAnswer> WhyAsync(string name, CancellationToken cancellationToken);

    /// <summary>PUT /v1/config/storage: the disk and its layout; answers with each partition's role and whether it will boot.</summary>
    Task<LayoutProposal> UpdateStorageAsync(StorageSettings settings, CancellationToken cancellationToken);

    /// <summary>GET /v1/usb-keys: SSH public keys found on attached removable volumes.</summary>
    Task<IReadOnlyList<FoundKey>> ScanUsbKeysAsync(CancellationToken cancellationToken);

    /// <summary>PUT /v1/config/users: root, the administrator, the password (hashed by the service at once) and the keys.</summary>
    Task<SectionResult> UpdateUsersAsync(UserSettings settings, CancellationToken cancellationToken);

    /// <summary>GET /v1/review: the engine's plan, every destructive operation, the config as YAML, and what still blocks.</summary>
    Task<ReviewView> ReviewAsync(CancellationToken cancellationToken);

    /// <summary>GET /v1/config: the session's config as keel/v1 YAML (the LUKS passphrase left out).</summary>
    Task<string> GetConfigYamlAsync(CancellationToken cancellationToken);

    /// <summary>POST /v1/config/save: writes the config onto a removable volume (or a path in dry-run).</summary>
    Task<SaveResult> SaveConfigAsync(SaveRequest request, CancellationToken cancellationToken);

    /// <summary>POST /v1/install: runs the reviewed plan; refused when the plan changed since the review.</summary>
    Task<InstallStarted> StartInstallAsync(InstallRequest request, CancellationToken cancellationToken);

    /// <summary>GET /v1/events?after=N&amp;wait=S: the install's events after <paramref name="after"/> (long poll).</summary>
    Task<EventPage> GetEventsAsync(long after, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>GET /v1/finish: the new machine's SSH host key fingerprints, where the config and the log were saved.</summary>
    Task<FinishInfo> GetFinishAsync(CancellationToken cancellationToken);

    /// <summary>POST /v1/power: reboot or power off (refused in dry-run and while installing).</summary>
    Task<ApplyResult> PowerAsync(PowerAction action, CancellationToken cancellationToken);
}
