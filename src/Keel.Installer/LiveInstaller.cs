using System.Text.Json;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Config.Validation;
using Keel.Errors;
using Keel.Install;
using Keel.Install.Devices;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Media;
using Keel.Progress;

namespace Keel.Installer;

/// <summary>What the installer talks to: the console, the live system, the power switch and (for tests) the network and the disk guard.</summary>
public sealed record InstallerHost(TextWriter Output, TextReader Input, ISystemAccess System, IPowerControl Power)
{
    /// <summary>Replaces the network for config fetches and the repository probe (tests); null: the real one.</summary>
    public HttpMessageHandler? Http { get; init; }

    /// <summary>The device guard; null: the real /proc and /sys.</summary>
    public InstallTargetGuard? Guard { get; init; }

    /// <summary>
    /// The interactive installer, started when no unattended config is found (and keel.ui= is not none); null: say how
    /// to give a config and exit 0. The CLI wires the installer service and its text UI here.
    /// </summary>
    public Func<InteractiveStart, CancellationToken, Task<int>>? Interactive { get; init; }
}

/// <summary>What the interactive installer starts from: the verified medium, its description, and the kernel command line's choices.</summary>
public sealed record InteractiveStart(string Medium, MediumInfo Info, InstallerArguments Arguments, InstallLog Log);

/// <summary>
/// `keel installer`, the unattended installer the live environment runs at boot. Stages, each saying one line on the
/// console: the kernel command line; the medium's check of itself (before anything is written); the config (kernel
/// command line, the medium, a KEELCFG stick — or, without one, how to give one, and exit 0 so the console goes on to a
/// login); the repositories (online when it answers, else the medium's); the disk (exactly one match, never the medium);
/// the plan, shown, and confirmed unless the config or keel.autoinstall says not to ask; the engine's run; then the
/// host key fingerprints, the boot entry, and reboot / power off / nothing. Every stop before the plan executes leaves
/// every disk untouched.
/// </summary>
public sealed class LiveInstaller(InstallerOptions options, InstallerHost host)
{
    /// <summary>The line that ends a successful install (before the after-install lines).</summary>
    public const string FinishedPrefix = "install finished: ";

    /// <summary>The line with the installed machine's SSH host key fingerprints.</summary>
    public const string HostKeysPrefix = "ssh host keys: ";

    /// <summary>Kernel parameters `keel media customize --cmdline` adds on the medium; read after /proc/cmdline, so they win.</summary>
    public const string CustomCommandLine = MediumLayout.CustomDirectory + "/cmdline";

    /// <summary>Runs the installer; returns the exit code (docs/errors.md).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        using var log = new InstallLog(options.DryRun ? null : Path.Combine(options.StateDirectory, "install.log"));
        var console = new InstallerConsole(host.Output, host.Input, log, options.Progress == "json");
        var state = new RunState();
        try
        {
            return await RunStagesAsync(console, state, cancellationToken).ConfigureAwait(false);
        }
        catch (InstallerStopException stop)
        {
            return stop.ExitCode;
        }
        catch (Exception ex) when (ExitCodes.IsExpected(ex) && ex is not OperationCanceledException)
        {
            // The disk is written only from the first destructive step on (storage.partition), which the engine re-checks first.
            var untouched = !state.Writing || ExitCodes.ReasonFor(ex) is ReasonCodes.PlanStale or ReasonCodes.TargetRefused;
            console.Say($"{(state.Executing ? "install FAILED" : "installer stopped")}: {ExitCodes.Describe(ex)}");
            console.Say(untouched ? "nothing was written to any disk" : "the target disk may be partly written; fix the cause and install again");
            return ExitCodes.For(ex);
        }
    }

    private async Task<int> RunStagesAsync(InstallerConsole console, RunState state, CancellationToken cancellationToken)
    {
        // 1. The kernel command line, then the medium (its label may be on the command line), then its customization.
        var commandLine = KernelCommandLine.Parse(ReadCommandLine(options.CommandLineFile));
        var medium = await new MediumLocator(host.System, console).LocateAsync(options.MediumDirectory, commandLine, cancellationToken).ConfigureAwait(false);
        var custom = Path.Combine(medium, CustomCommandLine);
        if (File.Exists(custom))
        {
            commandLine = commandLine.Append(KernelCommandLine.Parse(ReadCommandLine(custom)));
        }

        var arguments = InstallerArguments.From(commandLine);
        console.Say($"keel installer: medium {medium}; command line: keel.config={arguments.Config ?? "(none)"} keel.repo={arguments.Repository ?? "(none)"}"
            + $" keel.autoinstall={(arguments.AutoInstall ? "yes" : "no")} keel.ui={arguments.Ui ?? "(none)"}{(File.Exists(custom) ? $" (with {CustomCommandLine})" : "")}");

        // 2. The medium checks itself before anything else is read from it.
        var key = options.KeyFile ?? InstallerOptions.DefaultKeyFiles.FirstOrDefault(File.Exists);
        if (key is null)
        {
            console.Say($"{MediumSelfCheck.FailedPrefix}{InstallerOptions.DefaultKeyFiles[0]}: no key to check the medium with (nor {InstallerOptions.DefaultKeyFiles[1]})");
            console.Say("nothing was written to any disk");
            return ExitCodes.Failed;
        }

        await MediumSelfCheck.RunAsync(medium, key, console, cancellationToken).ConfigureAwait(false);
        var info = ReadInfo(medium);

        // 3. The config.
        var source = await new ConfigDiscovery(host.System, options, host.Http).FindAsync(medium, arguments, cancellationToken).ConfigureAwait(false);
        if (source is null && host.Interactive is { } interactive && arguments.Ui != InstallerArguments.NoUi)
        {
            console.Say($"no install config found: starting the interactive installer ({arguments.Ui ?? "text"} mode)");
            return await interactive(new InteractiveStart(medium, info, arguments, console.Log), cancellationToken).ConfigureAwait(false);
        }

        if (source is null)
        {
            console.Log.Message("no install config found");
            console.Show(ConfigDiscovery.HowToProvide(medium));
            return ExitCodes.Ok;
        }

        console.Say($"config: {source.Origin}");
        var catalog = PresetCatalog.CreateDefault(options.PresetDirectories);
        var loaded = LoadConfig(source, catalog, console);

        // 4. The repositories.
        var repositories = await new RepositoryChooser(options, host.Http).ChooseAsync(medium, info, arguments, cancellationToken).ConfigureAwait(false);
        console.Say(repositories.Line);
        if (loaded.Config.Repositories.Count > 0)
        {
            console.Say($"the config's own repositories ({string.Join(", ", loaded.Config.Repositories.Select(r => r.Id))}) are replaced by these");
        }

        loaded.Config.Repositories = [.. repositories.Repositories];
        var request = PackageRequest.Build(loaded, catalog);

        // 5. The disk: exactly one, never the medium's.
        var disks = await TargetDisk.ListAsync(loaded, medium, host.Guard, cancellationToken).ConfigureAwait(false);
        var device = TargetDisk.Choose(loaded, disks);
        console.Say($"target disk: {device} (the one disk storage.disk selects)");

        // 6. Plan, show, confirm, execute.
        var record = PlanExecution.Record(ConfigRedaction.Redact(ConfigRedaction.Reload(source.Path), source.Origin, repositories.Repositories, DateTimeOffset.UtcNow), console.Log);
        var engine = new InstallEngine(new EngineOptions { MediumPath = medium, Record = options.DryRun ? null : record, SourceDateEpoch = options.SourceDateEpoch, Guard = host.Guard });
        var plan = engine.PlanDevice(loaded, request, device);
        var planText = new StringWriter();
        PlanText.Print(plan, planText);
        console.Show(planText.ToString());
        if (options.DryRun)
        {
            console.Say($"dry run: nothing was written to {device}");
            return ExitCodes.Ok;
        }

        if (!loaded.Config.Install.Confirm || arguments.AutoInstall)
        {
            console.Say($"installing onto {device} without a question ({(arguments.AutoInstall ? "keel.autoinstall" : "install.confirm: false")})");
        }
        else if (!console.Confirm($"Erase everything on {device} and install?"))
        {
            console.Say($"not confirmed: nothing was written to {device}");
            return ExitCodes.Failed;
        }

        state.Executing = true;
        var destructive = plan.Steps.Where(s => s.Destructive.Count > 0).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var watch = new SynchronousProgress(e => state.Writing |= e is StepStartedEvent started && destructive.Contains(started.StepId));
        PlanExecutionResult executed;
        using (var reporter = ProgressRenderers.Create(options.Progress, host.Output, host.Output))
        {
            executed = await PlanExecution.RunAsync(engine, plan, record, info.Name is { Length: > 0 } name ? name : plan.Distribution, options, host.System, console.Log,
                new TeeProgress(watch, reporter), cancellationToken).ConfigureAwait(false);
            reporter.Complete($"installed {executed.Install.Packages.Count} packages onto {device}");
        }

        var result = executed.Install;
        console.Say($"{FinishedPrefix}{result.Packages.Count} packages onto {device} ({repositories.Summary}); it boots with: {result.KernelCommandLine}");

        // 7. After.
        console.Say(HostKeysPrefix + executed.HostKeysText);
        console.Say(executed.BootEntryLine);
        if (loaded.Config.Install.After != InstallAfter.None && !(options.AllowPowerActions ?? options.MediumDirectory is null))
        {
            console.Say($"install.after: {(loaded.Config.Install.After == InstallAfter.Reboot ? "reboot" : "poweroff")} not done: keel runs outside the live environment (--medium was given)");
            return ExitCodes.Ok;
        }

        switch (loaded.Config.Install.After)
        {
            case InstallAfter.Reboot:
                console.Say("rebooting");
                host.Power.Reboot();
                break;
            case InstallAfter.Poweroff:
                console.Say("powering off");
                host.Power.PowerOff();
                break;
            default:
                console.Say("install.after: none: the machine stays on");
                break;
        }

        return ExitCodes.Ok;
    }

    private static string ReadCommandLine(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new KeelException(ReasonCodes.InvalidInput, path, $"{path}: no kernel command line to read");
        }

        // The kernel's own limit is a few KiB; a larger file is not a command line.
        return info.Length > 64 * 1024
            ? throw new LimitExceededException(path, $"{path}: {info.Length} bytes is not a kernel command line")
            : File.ReadAllText(path);
    }

    /// <summary>Reads the medium's description (keel/medium.json); InvalidDataException when it is missing or not one.</summary>
    public static MediumInfo ReadInfo(string medium)
    {
        var path = Path.Combine(medium, MediumLayout.Info);
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), MediumInfoJsonContext.Default.MediumInfo)
                ?? throw new InvalidDataException($"{MediumLayout.Info}: empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{MediumLayout.Info}: not a medium description: {ex.Message}", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new InvalidDataException($"{MediumLayout.Info}: missing from the medium", ex);
        }
    }

    private static LoadedConfig LoadConfig(ConfigSource source, PresetCatalog catalog, InstallerConsole console)
    {
        var result = ConfigValidator.LoadAndValidate(source.Path, catalog);
        var errors = result.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        if (result.Config is null || errors.Count > 0)
        {
            var first = errors.Count > 0 ? errors[0].Format(source.Path) : "not a keel/v1 machine config";
            console.Say($"config from {source.Origin} is invalid: {first}{(errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "")}");
            foreach (var more in errors.Skip(1))
            {
                console.Log.Message(more.Format(source.Path));
            }

            console.Say("nothing was written to any disk");
            throw new InstallerStopException(result.Unsupported ? ExitCodes.Usage : ExitCodes.Failed);
        }

        return result.Config;
    }

    // How far a run came, for the failure line: executing the plan, and writing the disk.
    private sealed class RunState
    {
        public bool Executing { get; set; }

        public bool Writing { get; set; }
    }

    private sealed class SynchronousProgress(Action<EngineEvent> report) : IProgress<EngineEvent>
    {
        public void Report(EngineEvent value) => report(value);
    }

    // The console's renderer and the install log see every engine event.
    private sealed class TeeProgress(params IProgress<EngineEvent>[] sinks) : IProgress<EngineEvent>
    {
        public void Report(EngineEvent value)
        {
            foreach (var sink in sinks)
            {
                sink.Report(value);
            }
        }
    }
}
