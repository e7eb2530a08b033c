using System.Text.RegularExpressions;
using Keel.Installer.Api;

namespace Keel.Installer.Tui.Tests.Support;

/// <summary>
/// A small in-test installer service used until the real InstallerSession is available on this branch: it keeps the
/// session's sections and answers with field errors in the service's shape, so the UI's handling of every answer is tested.
/// </summary>
internal sealed partial class StandInInstallerApi(MachineFacts machine, long minimumDiskBytes = 8L << 30) : IInstallerApi
{
    private const long MiB = 1024 * 1024;
    private readonly Lock gate = new();
    private readonly List<InstallEvent> events = [];
    private SessionState state = new(SessionPhase.Editing, true, null, "Fixture Linux",
        new RegionalSettings("C.UTF-8", "us", "UTC"), new NetworkSettings(null), new SourceSettings(SourceKind.Medium),
        new PackageSettings("minimal", [], []), null, new UserSettingsView(true, null, false, []));
    private LayoutProposal? layout;

    public static readonly IReadOnlyList<PresetSummary> Presets =
    [
        new("minimal", "Minimal", "The smallest system that boots and accepts SSH logins", 12, 120 * MiB),
        new("container-host", "Container Host", "Minimal plus a container runtime", 20, 310 * MiB),
        new("developer", "Developer Workstation", "Container Host plus compilers and tools", 31, 700 * MiB),
    ];

    private static readonly Dictionary<string, string[]> PresetPackages = new()
    {
        ["minimal"] = ["bash", "glibc", "kernel", "openssh-server", "systemd"],
        ["container-host"] = ["bash", "glibc", "kernel", "openssh-server", "systemd", "containerd"],
        ["developer"] = ["bash", "glibc", "kernel", "openssh-server", "systemd", "containerd", "gcc", "make"],
    };

    private static readonly string[] AllPackages = ["bash", "glibc", "kernel", "openssh-server", "systemd", "containerd", "gcc", "make", "vim", "tmux", "strace"];

    public string? LastPassphrase { get; private set; }

    public UserSettings? LastUsers { get; private set; }

    public StorageSettings? LastStorage { get; private set; }

    public List<string> Applied { get; } = [];

    public Task<SessionState> GetSessionAsync(CancellationToken cancellationToken) => Task.FromResult(state);

    public Task<MachineFacts> GetMachineAsync(CancellationToken cancellationToken) => Task.FromResult(machine);

    public Task<ChoiceList> GetChoicesAsync(ChoiceKind kind, string? query, CancellationToken cancellationToken)
    {
        string[] all = kind switch
        {
            ChoiceKind.Locales => ["C.UTF-8", "de_DE.UTF-8", "en_GB.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8", "ja_JP.UTF-8"],
            ChoiceKind.Keyboards => ["de", "fr", "gb", "us", "us-dvorak"],
            _ => ["America/New_York", "Asia/Tokyo", "Europe/Berlin", "Europe/Paris", "UTC"],
        };
        var items = all.Where(v => query is null || v.Contains(query, StringComparison.OrdinalIgnoreCase)).Select(v => new Choice(v, v)).ToList();
        return Task.FromResult(new ChoiceList(items, items.Count));
    }

    public Task<SectionResult> UpdateRegionalAsync(RegionalSettings settings, CancellationToken cancellationToken)
    {
        state = state with { Regional = settings };
        return Ok();
    }

    public Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken)
    {
        Applied.Add(layout);
        return Task.FromResult(new ApplyResult(false, $"dry run: keyboard {layout} not loaded on this console"));
    }

    public Task<SectionResult> UpdateNetworkAsync(NetworkSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Hostname is { } name && !HostName().IsMatch(name))
        {
            return Errors(new FieldError("hostname", $"'{name}' is not a valid host name", "letters, digits and '-', labels of 1-63 characters"));
        }
        state = state with { Network = settings };
        return Ok();
    }

    public Task<SourceCheckResult> CheckSourceAsync(SourceSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult(settings.Kind == SourceKind.Medium
            ? new SourceCheckResult(true, true, "the medium's repository, signed by the medium's key")
            : new SourceCheckResult(false, false, $"{settings.Url ?? "online"}: not reachable in a dry run"));

    public Task<SectionResult> UpdateSourceAsync(SourceSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Kind == SourceKind.Mirror && !Uri.TryCreate(settings.Url, UriKind.Absolute, out Uri? uri) | uri is not { Scheme: "http" or "https" })
        {
            return Errors(new FieldError("source.url", $"'{settings.Url}' is not an http(s) URL"));
        }
        state = state with { Source = settings };
        return Ok();
    }

    public Task<IReadOnlyList<PresetSummary>> GetPresetsAsync(CancellationToken cancellationToken) => Task.FromResult(Presets);

    public Task<PackageSelectionView> UpdatePackagesAsync(PackageSettings settings, CancellationToken cancellationToken)
    {
        if (!PresetPackages.TryGetValue(settings.Preset, out string[]? names))
        {
            return Task.FromResult(new PackageSelectionView([], 0, [new FieldError("preset", $"no preset '{settings.Preset}'")]));
        }
        var unknown = settings.Add.Where(a => !AllPackages.Contains(a)).ToList();
        if (unknown.Count > 0)
        {
            return Task.FromResult(new PackageSelectionView([], 0, [new FieldError("packages.add", $"no package '{unknown[0]}' in the source")]));
        }
        state = state with { Packages = settings };
        var selected = names.Concat(settings.Add).Except(settings.Remove).Distinct()
            .Select(n => new PackageEntry(n, "1.0-1", $"the {n} package", 10 * MiB, true, settings.Add.Contains(n) || n is "kernel" or "openssh-server"))
            .ToList();
        return Task.FromResult(new PackageSelectionView(selected, selected.Sum(p => p.InstalledBytes), []));
    }

    public Task<IReadOnlyList<PackageEntry>> SearchPackagesAsync(string query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PackageEntry>>([.. AllPackages.Where(p => p.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Select(p => new PackageEntry(p, "1.0-1", $"the {p} package", 10 * MiB, false, false))]);

    public Task<WhyAnswer> WhyAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(new WhyAnswer(name, true, name == "glibc"
            ? ["requested by the preset " + state.Packages.Preset, "bash requires libc.so.6()(64bit)", "glibc provides libc.so.6()(64bit)"]
            : ["requested by the preset " + state.Packages.Preset]));

    public Task<LayoutProposal> UpdateStorageAsync(StorageSettings settings, CancellationToken cancellationToken)
    {
        LastStorage = settings;
        var errors = new List<FieldError>();
        var problems = new List<string>();
        DiskFacts? disk = machine.Disks.FirstOrDefault(d => d.Path == settings.Disk || d.ById == settings.Disk);
        if (disk is null)
        {
            errors.Add(new FieldError("storage.disk", $"no disk '{settings.Disk}'"));
        }
        else if (disk.SizeBytes < minimumDiskBytes)
        {
            problems.Add($"{disk.ById ?? disk.Path} is {disk.SizeBytes / MiB} MiB; the layout needs at least {minimumDiskBytes / MiB} MiB");
        }
        if (settings.Encrypt && string.IsNullOrEmpty(settings.Passphrase))
        {
            errors.Add(new FieldError("storage.passphrase", "the passphrase is empty"));
        }
        else if (settings.Encrypt && settings.Passphrase != settings.PassphraseAgain)
        {
            errors.Add(new FieldError("storage.passphrase", "the two passphrases differ"));
        }
        var partitions = new List<ProposedPartition>();
        IReadOnlyList<PartitionSpec> specs = settings.Mode == LayoutMode.Custom && settings.Partitions is { } custom
            ? custom
            : [new PartitionSpec("esp", "/boot/efi", "512MiB", false, "vfat"), new PartitionSpec("root", "/", null, true, "ext4")];
        for (int i = 0; i < specs.Count; i++)
        {
            PartitionSpec spec = specs[i];
            long bytes = 0;
            if (spec.Size is { } size)
            {
                Match m = Size().Match(size);
                if (!m.Success)
                {
                    errors.Add(new FieldError($"storage.partitions[{i}].size", $"'{size}' is not a size (e.g. 512MiB, 20GiB)"));
                    continue;
                }
                bytes = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * (m.Groups[2].Value == "GiB" ? 1024 * MiB : MiB);
            }
            else if (spec.Grow && disk is not null)
            {
                bytes = disk.SizeBytes - 600 * MiB;
            }
            string role = spec.MountPoint switch
            {
                "/boot/efi" => $"EFI system partition: the firmware loads the boot loader from here; {bytes / MiB} MiB, {spec.Fs}",
                "/" => $"Root filesystem: the system is installed here; {bytes / MiB} MiB, {spec.Fs}",
                _ => $"Data: mounted at {spec.MountPoint ?? "(nowhere)"}; {bytes / MiB} MiB, {spec.Fs}",
            };
            partitions.Add(new ProposedPartition(spec.Label ?? $"part{i + 1}", spec.MountPoint, bytes, spec.Fs, settings.Encrypt && spec.MountPoint == "/", role));
        }
        if (!specs.Any(s => s.MountPoint == "/boot/efi"))
        {
            problems.Add("no EFI system partition (vfat, mounted at /boot/efi): the firmware would find no boot loader");
        }
        if (!specs.Any(s => s.MountPoint == "/"))
        {
            problems.Add("no root filesystem (mount point /)");
        }
        layout = new LayoutProposal(partitions, problems.Count == 0 && errors.Count == 0, problems, errors);
        if (settings.Encrypt)
        {
            LastPassphrase = settings.Passphrase;
        }
        state = state with { Storage = settings with { Passphrase = null, PassphraseAgain = null } };
        return Task.FromResult(layout);
    }

    public Task<IReadOnlyList<FoundKey>> ScanUsbKeysAsync(CancellationToken cancellationToken)
    {
        var keys = new List<FoundKey>();
        foreach (VolumeFacts volume in machine.Removable)
        {
            keys.Add(new FoundKey(volume.Device, "authorized_keys", 2, "ssh-ed25519", "SHA256:u0jYwGMyjAm3SJ2SDsVlRsrmHuVvhjkvgWm4uOkqCLU", "admin@laptop", true, null,
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdvorNDL4kngPfrhridY7eIC2AW6inToPQMKjS6S6Tx admin@laptop"));
            keys.Add(new FoundKey(volume.Device, "authorized_keys", 5, null, null, "admin@laptop", false, "the key's base64 does not decode", null));
        }
        return Task.FromResult<IReadOnlyList<FoundKey>>(keys);
    }

    public Task<SectionResult> UpdateUsersAsync(UserSettings settings, CancellationToken cancellationToken)
    {
        LastUsers = settings;
        var errors = new List<FieldError>();
        if (!UserName().IsMatch(settings.AdminName))
        {
            errors.Add(new FieldError("users[1].name", $"'{settings.AdminName}' is not a user name"));
        }
        if (settings.Password is not null && settings.Password != settings.PasswordAgain)
        {
            errors.Add(new FieldError("users[1].password", "the two passwords differ"));
        }
        else if (settings.Password is "" && !state.Users.PasswordSet)
        {
            errors.Add(new FieldError("users[1].password", "the administrator needs a password"));
        }
        for (int i = 0; i < settings.AuthorizedKeys.Count; i++)
        {
            if (!settings.AuthorizedKeys[i].StartsWith("ssh-", StringComparison.Ordinal) && !settings.AuthorizedKeys[i].StartsWith("ecdsa-", StringComparison.Ordinal))
            {
                errors.Add(new FieldError($"users[1].ssh_authorized_keys[{i}]", $"line {i + 1} is not an OpenSSH public key"));
            }
        }
        if (errors.Count > 0)
        {
            return Task.FromResult(new SectionResult(errors));
        }
        state = state with { Users = new UserSettingsView(settings.RootLocked, settings.AdminName, state.Users.PasswordSet || settings.Password is { Length: > 0 }, settings.AuthorizedKeys) };
        return Ok();
    }

    public Task<ReviewView> ReviewAsync(CancellationToken cancellationToken)
    {
        var blockers = new List<FieldError>();
        if (state.Users.AdminName is null)
        {
            blockers.Add(new FieldError("users", "no administrator yet"));
        }
        if (layout is not { Boots: true } || state.Storage is null)
        {
            blockers.Add(new FieldError("storage", "no layout that boots yet"));
        }
        DiskFacts? disk = machine.Disks.FirstOrDefault(d => d.Path == state.Storage?.Disk || d.ById == state.Storage?.Disk);
        var operations = disk is null ? [] : new List<DestructiveOperation>
        {
            new("storage.partition", "new GPT partition table", disk.Path, disk.ById, disk.Model, disk.SizeBytes, Format(disk)),
        };
        string yaml = $"apiVersion: keel/v1\npreset: {state.Packages.Preset}\nhostname: {state.Network.Hostname}\nlocale: {state.Regional.Locale}\n";
        return Task.FromResult(new ReviewView(blockers.Count == 0, blockers, "1. storage.partition\n2. packages.install\n3. boot.install", operations, yaml, blockers.Count == 0 ? "fp-1" : null));
    }

    private static string Format(DiskFacts disk) => disk.Partitions.Count == 0 ? "nothing (blank disk)" : string.Join(", ", disk.Partitions.Select(p => $"{p.Path} ({p.Label ?? p.FsType})"));

    public Task<string> GetConfigYamlAsync(CancellationToken cancellationToken) => Task.FromResult("apiVersion: keel/v1\n");

    public Task<SaveResult> SaveConfigAsync(SaveRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new SaveResult($"{request.Volume}:/keel/config.yaml", "config saved"));

    public Task<InstallStarted> StartInstallAsync(InstallRequest request, CancellationToken cancellationToken)
    {
        if (request.Fingerprint != "fp-1")
        {
            throw new InstallerApiException(409, "the plan changed since the review");
        }
        lock (gate)
        {
            state = state with { Phase = SessionPhase.Finished };
            events.Add(new InstallEvent(1, InstallEventKind.StepStarted, "storage.partition", "partitioning (dry run)", 0.1));
            events.Add(new InstallEvent(2, InstallEventKind.StepFinished, "storage.partition", "partitioned", 0.4));
            events.Add(new InstallEvent(3, InstallEventKind.StepFinished, "packages.install", "packages installed", 0.8));
            events.Add(new InstallEvent(4, InstallEventKind.Finished, null, "installed (dry run)", 1.0));
        }
        return Task.FromResult(new InstallStarted([new("storage.partition", "Partition the disk"), new("packages.install", "Install packages"), new("boot.install", "Install the boot loader")]));
    }

    public Task<EventPage> GetEventsAsync(long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var page = events.Where(e => e.Id > after).ToList();
            return Task.FromResult(new EventPage(page, page.Count > 0 ? page[^1].Id : after, state.Phase));
        }
    }

    public Task<FinishInfo> GetFinishAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new FinishInfo(true, "Installed (dry run).", ["ED25519 SHA256:dryrunhostkeyfingerprint0000000000000000000"], "/tmp/keel-dry-run/config.yaml", "/tmp/keel-dry-run/install.log"));

    public Task<ApplyResult> PowerAsync(PowerAction action, CancellationToken cancellationToken) =>
        Task.FromResult(new ApplyResult(false, $"dry run: {action} is not done to this host"));

    private static Task<SectionResult> Ok() => Task.FromResult(new SectionResult([]));

    private static Task<SectionResult> Errors(params FieldError[] errors) => Task.FromResult(new SectionResult(errors));

    [GeneratedRegex("^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")]
    private static partial Regex HostName();

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserName();

    [GeneratedRegex("^([0-9]+)(MiB|GiB)$")]
    private static partial Regex Size();
}
