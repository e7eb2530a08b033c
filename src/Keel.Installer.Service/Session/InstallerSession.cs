using Keel.Config.Model;
using Keel.Errors;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Installer.Api;
using Keel.Installer.Service.Session.Install;
using Keel.Installer.Service.Session.Packages;
using Keel.Installer.Service.Session.Review;
using Keel.Installer.Service.Session.Storage;
using Keel.Installer.Service.Session.Users;

namespace Keel.Installer.Service.Session;

/// <summary>
/// The installer service's one session: the draft config of the medium's distribution, edited section by section, each
/// update written whole, read back and validated as `keel config validate` does; the review's plan from the engine; the
/// install run and its events. Every state change goes through one gate, so two clients (a text UI and a browser) never
/// interleave half-updates; reading events does not take the gate, so a long poll never blocks the screens.
/// </summary>
public sealed class InstallerSession : IInstallerApi, IDisposable
{
    /// <summary>The file name a saved config gets on a removable volume (or in the dry-run directory).</summary>
    public const string SavedConfigName = "keel-install.yaml";

    /// <summary>The longest a client may wait for events in one request.</summary>
    public static readonly TimeSpan MaxEventWait = TimeSpan.FromSeconds(60);

    private readonly InstallerSessionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SessionDraft _draft;
    private readonly RegionalSection _regional;
    private readonly SourceSection _source;
    private readonly PackageSection _packages;
    private readonly StorageSection _storage;
    private readonly UsersSection _users;
    private readonly SessionPlanner _planner;
    private readonly InstallRunner _runner;

    /// <summary>A session for <paramref name="options"/>; <paramref name="hashPassword"/> replaces the SHA-512 crypt hasher (tests).</summary>
    public InstallerSession(InstallerSessionOptions options, Func<string, string>? hashPassword = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _draft = new SessionDraft(options);
        _regional = new RegionalSection(options.Probe, new Regional.RegionalChoices(zoneinfoDirectory: options.ZoneinfoDirectory));
        _source = new SourceSection(options);
        _packages = new PackageSection(options, new RepositoryCache(options.Cache));
        _storage = new StorageSection(options.Probe);
        _users = new UsersSection(hashPassword ?? (p => Accounts.PasswordHasher.Hash(p)));
        _planner = new SessionPlanner(options);
        _runner = new InstallRunner(options, _planner);
        _source.Update(new SourceSettings(SourceKind.Medium), _draft.Config);
    }

    /// <summary>The install's background run (tests wait on it).</summary>
    public Task Running => _runner.Running;

    public Task<SessionState> GetSessionAsync(CancellationToken cancellationToken) => GatedAsync(() =>
    {
        var c = _draft.Config;
        return Task.FromResult(new SessionState(
            _runner.Phase, _options.DryRun, _options.MediumDirectory ?? _options.RepositoryDirectory, c.Distribution,
            new RegionalSettings(c.Locale, c.Keyboard, c.Timezone), new NetworkSettings(c.Hostname), _source.Settings,
            new PackageSettings(c.Preset, [.. _packages.Settings.Add], [.. _packages.Settings.Remove]), _storage.Settings, _users.View));
    }, cancellationToken);

    public Task<MachineFacts> GetMachineAsync(CancellationToken cancellationToken) =>
        _options.Probe.GetFactsAsync(_storage.Settings is null ? null : _draft.Config.Storage, cancellationToken);

    public Task<ChoiceList> GetChoicesAsync(ChoiceKind kind, string? query, CancellationToken cancellationToken) =>
        Task.FromResult(_regional.Choices(kind, query));

    public Task<SectionResult> UpdateRegionalAsync(RegionalSettings settings, CancellationToken cancellationToken) => EditingAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        RegionalSection.Apply(settings, _draft.Config);
        return Task.FromResult(new SectionResult(_draft.WriteAndValidate().For(ConfigSection.Regional)));
    }, cancellationToken);

    public Task<ApplyResult> ApplyKeyboardAsync(string layout, CancellationToken cancellationToken) =>
        _regional.ApplyKeyboardAsync(layout, cancellationToken);

    public Task<SectionResult> UpdateNetworkAsync(NetworkSettings settings, CancellationToken cancellationToken) => EditingAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        _draft.Config.Hostname = string.IsNullOrWhiteSpace(settings.Hostname) ? null : settings.Hostname.Trim();
        return Task.FromResult(new SectionResult(_draft.WriteAndValidate().For(ConfigSection.Network)));
    }, cancellationToken);

    public Task<SourceCheckResult> CheckSourceAsync(SourceSettings settings, CancellationToken cancellationToken) =>
        _source.CheckAsync(settings, cancellationToken);

    public Task<SectionResult> UpdateSourceAsync(SourceSettings settings, CancellationToken cancellationToken) => EditingAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        _source.Update(settings, _draft.Config);
        return Task.FromResult(new SectionResult(Merge(_source.OwnErrors, _draft.WriteAndValidate().For(ConfigSection.Source))));
    }, cancellationToken);

    public Task<IReadOnlyList<PresetSummary>> GetPresetsAsync(CancellationToken cancellationToken) => GatedAsync(async () =>
    {
        var check = _draft.WriteAndValidate();
        return await _packages.PresetsAsync(_draft.Config.Distribution, Loaded(check), _source.Key, cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public Task<PackageSelectionView> UpdatePackagesAsync(PackageSettings settings, CancellationToken cancellationToken) => EditingAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        await _packages.ApplyAsync(settings, _draft.Config, _draft.WriteAndValidate().Loaded, _source.Key, cancellationToken).ConfigureAwait(false);
        var check = _draft.WriteAndValidate();
        var selection = await _packages.ResolveAsync(check, _source.Key, cancellationToken).ConfigureAwait(false);
        return _packages.View(selection, check.For(ConfigSection.Packages));
    }, cancellationToken);

    public Task<IReadOnlyList<PackageEntry>> SearchPackagesAsync(string query, CancellationToken cancellationToken) => GatedAsync(async () =>
    {
        var check = _draft.WriteAndValidate();
        var selection = await _packages.ResolveAsync(check, _source.Key, cancellationToken).ConfigureAwait(false);
        return await _packages.SearchAsync(query ?? "", Loaded(check), _source.Key, selection, cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    public Task<WhyAnswer> WhyAsync(string name, CancellationToken cancellationToken) => GatedAsync(async () =>
    {
        var check = _draft.WriteAndValidate();
        if (!await _packages.ExistsAsync(name, Loaded(check), _source.Key, cancellationToken).ConfigureAwait(false))
        {
            throw InstallerServiceException.NotFound($"package '{name}': no such package in the installation source");
        }

        var selection = await _packages.ResolveAsync(check, _source.Key, cancellationToken).ConfigureAwait(false);
        return PackageSection.Why(name, selection);
    }, cancellationToken);

    public Task<LayoutProposal> UpdateStorageAsync(StorageSettings settings, CancellationToken cancellationToken) => EditingAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _storage.UpdateAsync(settings, _draft.Config, _draft.WriteAndValidate, cancellationToken);
    }, cancellationToken);

    public Task<IReadOnlyList<FoundKey>> ScanUsbKeysAsync(CancellationToken cancellationToken) => _options.Probe.FindKeysAsync(cancellationToken);

    public Task<SectionResult> UpdateUsersAsync(UserSettings settings, CancellationToken cancellationToken) => EditingAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(settings);
        _users.Apply(settings, _draft.Config);
        return Task.FromResult(new SectionResult(Merge(_users.OwnErrors, _draft.WriteAndValidate().For(ConfigSection.Users))));
    }, cancellationToken);

    public Task<ReviewView> ReviewAsync(CancellationToken cancellationToken) => GatedAsync(async () =>
        (await ReviewCoreAsync(null, cancellationToken).ConfigureAwait(false)).View, cancellationToken);

    public Task<string> GetConfigYamlAsync(CancellationToken cancellationToken) => GatedAsync(() =>
        Task.FromResult(SavedConfig(_draft.WriteAndValidate().Yaml)), cancellationToken);

    public Task<SaveResult> SaveConfigAsync(SaveRequest request, CancellationToken cancellationToken) => GatedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = SavedConfig(_draft.WriteAndValidate().Yaml);
        if (request.Volume is { Length: > 0 } volume)
        {
            var facts = await _options.Probe.GetFactsAsync(null, cancellationToken).ConfigureAwait(false);
            if (!facts.Removable.Any(v => v.Device == volume))
            {
                throw InstallerServiceException.NotFound($"volume '{volume}': no such removable volume (known: {(facts.Removable.Count == 0 ? "none" : string.Join(", ", facts.Removable.Select(v => v.Device)))})");
            }

            var where = await _options.Probe.SaveToVolumeAsync(volume, SavedConfigName, text, cancellationToken).ConfigureAwait(false);
            return new SaveResult(where, $"config saved to {where}");
        }

        if (request.Directory is { Length: > 0 } directory)
        {
            if (!_options.DryRun)
            {
                throw InstallerServiceException.BadInput("directory: only a dry run saves into a directory; give a removable volume");
            }

            var path = SavedFile.Write(directory, SavedConfigName, text);
            return new SaveResult(path, $"config saved to {path}");
        }

        throw InstallerServiceException.BadInput("volume: give the removable volume to save the config on");
    }, cancellationToken);

    public Task<InstallStarted> StartInstallAsync(InstallRequest request, CancellationToken cancellationToken) => GatedAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_runner.Phase != SessionPhase.Editing)
        {
            throw InstallerServiceException.Conflict($"the install already ran ({_runner.Phase.ToString().ToLowerInvariant()})");
        }

        var log = new Keel.Installer.InstallLog(_options.DryRun ? null : Path.Combine(_options.Installer.StateDirectory, "install.log"));
        try
        {
            var review = await ReviewCoreAsync(log, cancellationToken).ConfigureAwait(false);
            if (!review.View.Ready || review.Plan is null || review.Disk is null)
            {
                var first = review.View.Blockers.Count > 0 ? review.View.Blockers[0] : null;
                throw InstallerServiceException.Conflict($"not ready to install: {(first is null ? "review the plan first" : $"{first.Field}: {first.Message}")}");
            }

            if (!string.Equals(review.View.Fingerprint, request.Fingerprint, StringComparison.Ordinal))
            {
                throw InstallerServiceException.Conflict("fingerprint: the plan changed since the review (a section was edited or the disk changed); review it again");
            }

            log.Message($"interactive install onto {review.Disk.Path} ({review.Disk.ById ?? "no by-id name"}), plan {review.View.Fingerprint}");
            return _runner.Start(review.Plan, review.Disk, review.Record, log, request.After);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }, cancellationToken);

    public async Task<EventPage> GetEventsAsync(long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        var events = await _runner.Events.AfterAsync(after, wait > MaxEventWait ? MaxEventWait : wait, cancellationToken).ConfigureAwait(false);
        return new EventPage(events, events.Count > 0 ? events[^1].Id : Math.Max(0, after), _runner.Phase);
    }

    public Task<FinishInfo> GetFinishAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_runner.Finish ?? throw InstallerServiceException.Conflict($"the install has not finished (the session is {_runner.Phase.ToString().ToLowerInvariant()})"));

    public Task<ApplyResult> PowerAsync(PowerAction action, CancellationToken cancellationToken) => GatedAsync(() =>
    {
        if (_options.DryRun)
        {
            throw InstallerServiceException.Conflict($"dry run: the machine is not {(action == PowerAction.Reboot ? "rebooted" : "powered off")}");
        }

        if (_runner.Phase == SessionPhase.Installing)
        {
            throw InstallerServiceException.Conflict("the install is running: wait for it to finish");
        }

        _runner.Power(action);
        return Task.FromResult(new ApplyResult(true, action == PowerAction.Reboot ? "rebooting" : "powering off"));
    }, cancellationToken);

    public void Dispose()
    {
        _packages.Dispose();
        _draft.Dispose();
        _gate.Dispose();
    }

    // The config as the installed machine and a USB stick get it: the password hash kept (a replay makes the same
    // accounts), the LUKS passphrase removed, a header saying both.
    private static string SavedConfig(string yaml) =>
        ConfigRedaction.Redact(SessionDraft.Copy(yaml), "the interactive installer", null, DateTimeOffset.UtcNow, keepPasswordHashes: true);

    private static Keel.Config.Loading.LoadedConfig Loaded(DraftCheck check) =>
        check.Loaded ?? throw InstallerServiceException.Conflict($"the session's config does not bind: {(check.Errors.Count > 0 ? check.Errors[0].Message : "")}");

    // A section's own errors first; a validator error on a field the section already explains is left out.
    private static List<FieldError> Merge(IReadOnlyList<FieldError> own, IReadOnlyList<FieldError> validator) =>
        [.. own, .. validator.Where(v => !own.Any(o => o.Field == v.Field))];

    private async Task<ReviewOutcome> ReviewCoreAsync(Keel.Installer.InstallLog? log, CancellationToken cancellationToken)
    {
        var check = _draft.WriteAndValidate();
        var saved = SavedConfig(check.Yaml);
        var blockers = new List<FieldError>();
        foreach (var e in (IEnumerable<FieldError>)[.. _source.OwnErrors, .. _packages.OwnErrors, .. _storage.OwnErrors, .. _storage.DiskErrors, .. _users.OwnErrors, .. check.All()])
        {
            if (!blockers.Any(b => b.Field == e.Field && b.Message == e.Message))
            {
                blockers.Add(e);
            }
        }

        if (_storage.Settings is null)
        {
            blockers.Add(new FieldError("storage.disk", "no disk chosen", "choose the disk to install onto"));
        }

        if (_users.View.AdminName is null && !blockers.Any(b => b.Field.StartsWith("users", StringComparison.Ordinal)))
        {
            blockers.Add(new FieldError("users[0].name", "an administrator name is required", "root is locked: this account uses sudo"));
        }

        if (check.Loaded is not null)
        {
            var selection = await _packages.ResolveAsync(check, _source.Key, cancellationToken).ConfigureAwait(false);
            blockers.AddRange(selection.Problems.Select(p => new FieldError("packages", p)));
        }

        if (blockers.Count > 0)
        {
            return new ReviewOutcome(new ReviewView(false, blockers, "", [], saved, null), null, null, null);
        }

        var facts = await _options.Probe.GetFactsAsync(_draft.Config.Storage, cancellationToken).ConfigureAwait(false);
        var disk = StorageSection.Find(facts.Disks, _storage.Settings!.Disk);
        if (disk is null)
        {
            return Blocked(new FieldError("storage.disk", $"{_storage.Settings.Disk} is no longer attached", "choose the disk again"), saved);
        }

        var record = log is null ? new InstallRecord { ConfigText = saved, Log = () => "" } : PlanExecution.Record(saved, log);
        Plan plan;
        try
        {
            plan = _planner.Plan(check.Loaded!, disk, record);
        }
        catch (Exception ex) when (ExitCodes.IsExpected(ex) || ex is IOException or InvalidDataException)
        {
            return Blocked(new FieldError("storage.disk", ExitCodes.Describe(ex)), saved);
        }

        var text = new StringWriter();
        PlanText.Print(plan, text);
        var view = new ReviewView(true, [], text.ToString(), DestructiveOperations.Of(plan, disk), saved, plan.Fingerprint.Sha256);
        return new ReviewOutcome(view, plan, disk, record);
    }

    private static ReviewOutcome Blocked(FieldError error, string saved) => new(new ReviewView(false, [error], "", [], saved, null), null, null, null);

    private async Task<T> GatedAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Section updates are refused once the install started: the plan that runs is the one reviewed.
    private Task<T> EditingAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken) => GatedAsync(() =>
        _runner.Phase == SessionPhase.Editing ? action() : throw InstallerServiceException.Conflict($"the session is {_runner.Phase.ToString().ToLowerInvariant()}: the config can no longer change"), cancellationToken);

    private sealed record ReviewOutcome(ReviewView View, Plan? Plan, DiskFacts? Disk, InstallRecord? Record);
}
