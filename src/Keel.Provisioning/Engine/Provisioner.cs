using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Datasources;
using Keel.Provisioning.Datasources.Azure;
using Keel.Provisioning.Merging;
using Keel.Provisioning.UserData;
using Keel.TargetSystem;

namespace Keel.Provisioning.Engine;

/// <summary>
/// Applies a datasource's configuration to a target root: reads the instance, processes user and vendor data, merges
/// them over the system config, records the instance in /var/lib/cloud, then runs each stage's modules at their
/// frequencies. A failing module is recorded and the others still run; the status is written after every module.
/// </summary>
public sealed class Provisioner
{
    /// <summary>The per-instance marker of a delivered Ready report.</summary>
    public const string ReadyMarker = "keel_ready_reported";

    /// <summary>Longest failure description sent to the platform.</summary>
    public const int MaxReportDescription = 1024;

    private readonly TargetRoot _root;
    private readonly ProvisioningOptions _options;
    private readonly TextWriter _log;

    /// <summary>Creates a provisioner for <paramref name="root"/>.</summary>
    public Provisioner(TargetRoot root, ProvisioningOptions options, TextWriter log)
    {
        _root = root;
        _options = options;
        _log = log;
    }

    /// <summary>Reads a NoCloud seed and applies it; returns the final status (also written to the root).</summary>
    public AgentStatus RunNoCloud(string seedDirectory) => Run(() => NoCloudSeed.Read(seedDirectory));

    /// <summary>Finds the datasource as <paramref name="settings"/> and the root's datasource_list say, applies it and reports to the platform.</summary>
    public AgentStatus RunDetected(DatasourceSettings settings, CancellationToken cancellationToken)
    {
        using var http = new RetryingHttp(settings.Azure.Retry);
        SelectedDatasource selected;
        try
        {
            selected = DatasourceSelector.Select(_root, settings, SystemConfig.Load(_root, []), http);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or KeelException)
        {
            return Run(() => throw ex, null, cancellationToken);
        }

        _log.WriteLine($"datasource: {selected.Name}{(selected.Source is null ? "" : " from " + selected.Source)}");
        return Run(() => selected.Read(cancellationToken), selected.Reporter, cancellationToken);
    }

    /// <summary>Reads the instance with <paramref name="readDatasource"/> and applies it.</summary>
    public AgentStatus Run(Func<InstanceData> readDatasource) => Run(readDatasource, null, CancellationToken.None);

    /// <summary>
    /// Reads the instance and applies it; when the init stage ran, tells <paramref name="reporter"/> (if any) Ready, or
    /// NotReady with what failed, once per instance. Only <paramref name="cancellationToken"/> throws OperationCanceledException.
    /// </summary>
    public AgentStatus Run(Func<InstanceData> readDatasource, IReadyReporter? reporter, CancellationToken cancellationToken)
    {
        StatusMessage? unreadable = null;
        AgentStatus? current;
        try
        {
            current = LoadCurrentStatus();
        }
        catch (InvalidDataException ex)
        {
            // A damaged record (an empty file after a power cut) must not stop every later boot from provisioning.
            current = null;
            unreadable = new StatusMessage { Source = CloudPaths.StatusFile, Message = ex.Message + "; starting a new one" };
        }

        var status = current ?? new AgentStatus { Started = _options.Now, BootId = _options.BootId };
        if (unreadable is not null)
        {
            status.Warnings.Add(unreadable);
        }

        status.Status = "running";
        var datasourceTiming = BeginStage(status, "datasource");
        InstanceData instance;
        try
        {
            instance = readDatasource();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or TimeoutException or HttpRequestException or FormatException or KeelException)
        {
            status.Errors.Add(new StatusMessage { Source = "datasource", Message = ex.Message });
            if (reporter is not null && _options.Stages.Contains(Stage.Init))
            {
                SendReport(reporter, status, "datasource: " + ex.Message, cancellationToken);
            }

            EndStage(datasourceTiming);
            Finish(status);
            return status;
        }

        status.InstanceId = instance.InstanceId;
        status.Datasource = instance.DatasourceName;
        var diagnostics = new List<ProvisioningDiagnostic>();
        var (config, userScripts, vendorScripts, notApplied) = Combine(instance, diagnostics);

        foreach (var d in diagnostics.Distinct())
        {
            (d.Severity == Severity.Error ? status.Errors : status.Warnings).Add(new StatusMessage { Source = d.Source, Message = d.Message });
        }

        // Never silent: what the config asks for and keel-agent will not do is named, and makes the run degraded.
        var strict = _options.Strict || ModuleCoverage.IsStrict(config);
        status.NotApplied = notApplied;
        (strict ? status.Errors : status.Warnings).AddRange(notApplied);
        if (strict && notApplied.Count > 0)
        {
            // All or nothing: nothing is recorded and no module runs, so fixing the config and booting again applies it all.
            status.Errors.Add(new StatusMessage { Source = "strict", Message = $"{notApplied.Count} key(s) keel-agent does not apply; no module was run" });
            _log.WriteLine($"strict: {notApplied.Count} key(s) keel-agent does not apply ({string.Join(", ", notApplied.Select(n => n.Source))}); no module was run");
            EndStage(datasourceTiming);
            Finish(status);
            return status;
        }

        var context = new ModuleContext(_root, config, instance, _options, _log) { UserScripts = userScripts, VendorScripts = vendorScripts, Cancellation = cancellationToken };
        try
        {
            RecordInstance(context, instance, config);
        }
        catch (Exception ex) when (ex is IOException or KeelException or UnauthorizedAccessException)
        {
            status.Errors.Add(new StatusMessage { Source = CloudPaths.CloudDir, Message = ex.Message });
            EndStage(datasourceTiming);
            Finish(status);
            return status;
        }

        EndStage(datasourceTiming);
        var semaphores = new Semaphores(_root, context.Paths, _options.BootId);
        foreach (var stage in _options.Stages)
        {
            var timing = BeginStage(status, stage.ToString().ToLowerInvariant());
            foreach (var module in ModuleRegistry.All().Where(m => m.Stage == stage))
            {
                status.Modules.RemoveAll(m => m.Name == module.Name);
                cancellationToken.ThrowIfCancellationRequested();
                status.Modules.Add(RunModule(module, context, semaphores, status));
                WriteStatus(status);
            }

            EndStage(timing);
            if (stage == Stage.Init && reporter is not null)
            {
                ReportProvisioned(reporter, context, status, cancellationToken);
            }
        }

        Finish(status);
        return status;
    }

    private static (StageTiming Timing, Stopwatch Clock) BeginStage(AgentStatus status, string name)
    {
        // A stage run again in the same boot replaces its earlier timing, as its modules replace their results.
        status.Stages.RemoveAll(s => s.Name == name);
        var timing = new StageTiming { Name = name, Started = DateTimeOffset.UtcNow };
        status.Stages.Add(timing);
        return (timing, Stopwatch.StartNew());
    }

    private static void EndStage((StageTiming Timing, Stopwatch Clock) stage) =>
        stage.Timing.DurationMs = Math.Round(stage.Clock.Elapsed.TotalMilliseconds, 3);

    private void ReportProvisioned(IReadyReporter reporter, ModuleContext context, AgentStatus status, CancellationToken cancellationToken)
    {
        var marker = context.Paths.InstanceSemDir + "/" + ReadyMarker;
        if (_root.Exists(marker))
        {
            status.ReadyReport = "already reported";
            return;
        }

        // Failures that make the platform's provisioning fail: unreadable user data and init-stage modules (users, keys, hostname, files).
        var failures = status.Errors.Where(e => e.Source.StartsWith("user-data", StringComparison.Ordinal) || e.Source.StartsWith("vendor-data", StringComparison.Ordinal) || e.Source == "merge")
            .Concat(status.Modules.Where(m => m.Stage == "init" && m.Result == "failed").Select(m => new StatusMessage { Source = m.Name, Message = m.Error ?? "failed" }))
            .Select(e => $"{e.Source}: {e.Message}")
            .Distinct()
            .ToList();
        var description = failures.Count == 0 ? null : Truncate(string.Join("; ", failures), MaxReportDescription);
        if (SendReport(reporter, status, description, cancellationToken) && description is null)
        {
            _root.WriteText(marker, $"keel-agent {_options.Now:O}\n", (UnixFileMode)0x1a4);
        }

        WriteStatus(status);
    }

    private bool SendReport(IReadyReporter reporter, AgentStatus status, string? failureDescription, CancellationToken cancellationToken)
    {
        var state = failureDescription is null ? "Ready" : "NotReady";
        try
        {
            var how = reporter.Report(failureDescription is null ? null : Truncate(failureDescription, MaxReportDescription), cancellationToken);
            status.ReadyReport = $"{state} ({how})";
            _log.WriteLine($"reported {state} to the platform ({how})");
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException or InvalidDataException or IOException)
        {
            status.ReadyReport = $"{state} not delivered";
            status.Errors.Add(new StatusMessage { Source = "ready report", Message = ex.Message });
            _log.WriteLine($"ready report: FAILED: {ex.Message}");
            return false;
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";

    private ModuleResult RunModule(IModule module, ModuleContext context, Semaphores semaphores, AgentStatus status)
    {
        var result = new ModuleResult { Name = module.Name, Stage = module.Stage.ToString().ToLowerInvariant(), Frequency = FrequencyName(module.Frequency) };
        if (semaphores.HasRun(module.Name, module.Frequency))
        {
            result.Result = "already-ran";
            return result;
        }

        var clock = Stopwatch.StartNew();
        var warningsBefore = context.Warnings.Count;
        try
        {
            var outcome = module.Run(context);
            result.Result = outcome switch { ModuleOutcome.Done => "ran", ModuleOutcome.NothingToDo => "nothing-to-do", _ => "deferred" };
            if (outcome != ModuleOutcome.Deferred)
            {
                semaphores.Mark(module.Name, module.Frequency, _options.Now);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // A module boundary: whatever one module hits is recorded and the remaining modules still run.
            result.Result = "failed";
            result.Error = ModuleFailures.IsExpected(ex) ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            status.Errors.Add(new StatusMessage { Source = module.Name, Message = result.Error });
            _log.WriteLine($"{module.Name}: FAILED: {result.Error}");
        }

        foreach (var w in context.Warnings.Skip(warningsBefore))
        {
            status.Warnings.Add(new StatusMessage { Source = module.Name + ": " + w.Source, Message = w.Message });
        }

        result.DurationMs = Math.Round(clock.Elapsed.TotalMilliseconds, 3);
        return result;
    }

    private (CloudMap Config, IReadOnlyList<UserDataPart> UserScripts, IReadOnlyList<UserDataPart> VendorScripts, List<StatusMessage> NotApplied) Combine(InstanceData instance, List<ProvisioningDiagnostic> diagnostics)
    {
        diagnostics.AddRange(instance.Warnings);
        // file:// includes name paths of the machine being provisioned: read them inside its root, never the build host's.
        var fetcher = _options.IncludeFetcher ?? new LocalIncludeFetcher(_root);
        var user = AssembledUserData.FromBlob(instance.UserData ?? [], "user-data", fetcher);
        diagnostics.AddRange(user.Diagnostics);
        var vendorEnabled = (user.CloudConfig["vendor_data"] as CloudMap)?.GetBool("enabled", true) ?? true;
        var vendor = vendorEnabled && instance.VendorData is { Length: > 0 } vd ? AssembledUserData.FromBlob(vd, "vendor-data", fetcher) : new AssembledUserData();
        diagnostics.AddRange(vendor.Diagnostics);
        Validate(user.CloudConfig, "user-data", diagnostics);
        Validate(vendor.CloudConfig, "vendor-data", diagnostics);
        var notApplied = NotApplied(user.CloudConfig, "user-data").Concat(NotApplied(vendor.CloudConfig, "vendor-data")).ToList();
        var system = SystemConfig.Load(_root, diagnostics);
        CloudMap config;
        try
        {
            config = ConfigMerge.MergeMany([user.CloudConfig, vendor.CloudConfig, instance.DatasourceConfig, system]);
        }
        catch (FormatException ex)
        {
            diagnostics.Add(new(Severity.Error, "merge", ex.Message));
            config = system;
        }

        return (config, user.Scripts, vendor.Scripts, notApplied);
    }

    private static IEnumerable<StatusMessage> NotApplied(CloudMap config, string source) =>
        ModuleCoverage.Check(config).Select(f => new StatusMessage { Source = $"{source}: {f.Path}", Message = $"line {f.Line}: {f.Message}" });

    private void Validate(CloudMap config, string source, List<ProvisioningDiagnostic> diagnostics)
    {
        if (_options.Schema is null || config.Count == 0)
        {
            return;
        }

        foreach (var issue in _options.Schema.Validate(config).Issues)
        {
            // At run time schema findings never stop provisioning, as in cloud-init: errors surface as warnings.
            diagnostics.Add(new(Severity.Warning, $"{source} schema: {(issue.Path.Length == 0 ? "<root>" : issue.Path)}", $"line {issue.Line}: {issue.Message}"));
        }
    }

    private void RecordInstance(ModuleContext context, InstanceData instance, CloudMap config)
    {
        var previous = _root.ReadAllTextOrNull(CloudPaths.InstanceIdFile)?.Trim();
        if (previous is not null && previous != instance.InstanceId)
        {
            _root.WriteText(CloudPaths.PreviousInstanceIdFile, previous + "\n", (UnixFileMode)0x1a4);
            _log.WriteLine($"new instance-id {instance.InstanceId} (was {previous}): provisioning again");
        }

        var secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _root.CreateDirectory(context.Paths.InstanceSemDir, (UnixFileMode)0x1ed);
        _root.WriteFile(context.Paths.InstanceDir + "/user-data.txt", instance.UserData ?? [], secret);
        _root.WriteFile(context.Paths.InstanceDir + "/vendor-data.txt", instance.VendorData ?? [], secret);
        _root.WriteText(context.Paths.InstanceDir + "/cloud-config.json", CloudJson.Serialize(config) + "\n", secret);
        WriteScripts(context.Paths.ScriptsDir, context.UserScripts);
        WriteScripts(context.Paths.VendorScriptsDir, context.VendorScripts);
        _root.Symlink(CloudPaths.InstanceLink, context.Paths.InstanceDir);
        _root.WriteText(CloudPaths.InstanceIdFile, instance.InstanceId + "\n", (UnixFileMode)0x1a4);
    }

    private void WriteScripts(string directory, IReadOnlyList<UserDataPart> scripts)
    {
        foreach (var script in scripts)
        {
            // cloud-init's clean_filename: separators become "_", anything outside [A-Za-z0-9_.()-] is dropped.
            var name = new string(script.Filename.Replace('/', '_').Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '(' or ')').ToArray()).Trim();
            if (name.Length == 0 || name is "." or ".." || name == "runcmd")
            {
                name = "part-" + name;
            }

            _root.WriteFile(directory + "/" + name, script.Payload, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private AgentStatus? LoadCurrentStatus()
    {
        // A later stage of the same boot adds to the status of the earlier one; a new boot starts afresh.
        var existing = ReadStatus(_root);
        return existing is not null && existing.BootId == _options.BootId && _options.Stages[0] != Stage.Init ? existing : null;
    }

    private void Finish(AgentStatus status)
    {
        status.Finished = DateTimeOffset.UtcNow;
        status.Settle();
        WriteStatus(status);
    }

    private void WriteStatus(AgentStatus status)
    {
        try
        {
            _root.WriteText(CloudPaths.StatusFile, JsonSerializer.Serialize(status, StatusJsonContext.Default.AgentStatus) + "\n", (UnixFileMode)0x1a4);
        }
        catch (Exception ex) when (ex is IOException or KeelException)
        {
            _log.WriteLine($"cannot write {CloudPaths.StatusFile}: {ex.Message}");
        }
    }

    /// <summary>Reads the status document of <paramref name="root"/>, or null when none was written.</summary>
    public static AgentStatus? ReadStatus(TargetRoot root)
    {
        var text = root.ReadAllTextOrNull(CloudPaths.StatusFile);
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, StatusJsonContext.Default.AgentStatus);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{root.RootPath}{CloudPaths.StatusFile}: corrupt status document: {ex.Message}", ex);
        }
    }

    /// <summary>cloud-init clean: forgets every instance so the next run provisions again; the seed directory is kept.</summary>
    public static void Clean(TargetRoot root)
    {
        var dir = root.Resolve(CloudPaths.CloudDir);
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            if (entry.Name == "seed")
            {
                continue;
            }

            if (entry is DirectoryInfo d && d.LinkTarget is null)
            {
                d.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    private static string FrequencyName(Frequency f) => f switch
    {
        Frequency.PerInstance => "once-per-instance",
        Frequency.PerBoot => "per-boot",
        Frequency.Once => "once",
        _ => "always",
    };

    /// <summary>Renders the merged cloud-config of a NoCloud seed (user data over vendor data) as JSON, for `query`.</summary>
    public static string QueryNoCloud(string seedDirectory, IIncludeFetcher? fetcher, List<ProvisioningDiagnostic> diagnostics)
    {
        var instance = NoCloudSeed.Read(seedDirectory);
        var user = AssembledUserData.FromBlob(instance.UserData ?? [], "user-data", fetcher);
        diagnostics.AddRange(user.Diagnostics);
        var vendorEnabled = (user.CloudConfig["vendor_data"] as CloudMap)?.GetBool("enabled", true) ?? true;
        var vendor = vendorEnabled && instance.VendorData is { Length: > 0 } vd ? AssembledUserData.FromBlob(vd, "vendor-data", fetcher) : new AssembledUserData();
        diagnostics.AddRange(vendor.Diagnostics);
        var sb = new StringBuilder(CloudJson.Serialize(ConfigMerge.MergeMany([user.CloudConfig, vendor.CloudConfig])));
        return sb.Append('\n').ToString();
    }
}
