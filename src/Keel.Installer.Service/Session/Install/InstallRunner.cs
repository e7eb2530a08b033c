using Keel.Errors;
using Keel.Install;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Installer.Api;
using Keel.Installer.Service.Session.Review;
using Keel.Progress;

namespace Keel.Installer.Service.Session.Install;

/// <summary>
/// Screens 10 and 11: runs the reviewed plan in the background and turns the engine's events into the session's event
/// list; then the finish facts. A real run is the unattended installer's (<see cref="PlanExecution"/>: the engine with
/// the install record, the log, the EFI boot entry). A dry run writes nothing: each step is announced and reported
/// "dry run: not done".
/// </summary>
public sealed class InstallRunner(InstallerSessionOptions options, SessionPlanner planner)
{
    private readonly Lock _lock = new();
    private SessionPhase _phase = SessionPhase.Editing;
    private FinishInfo? _finish;

    /// <summary>The install's events.</summary>
    public EventBuffer Events { get; } = new();

    /// <summary>Editing until started; then installing, finished or failed.</summary>
    public SessionPhase Phase
    {
        get
        {
            lock (_lock)
            {
                return _phase;
            }
        }
    }

    /// <summary>The finish facts once the run ended; null before.</summary>
    public FinishInfo? Finish
    {
        get
        {
            lock (_lock)
            {
                return _finish;
            }
        }
    }

    /// <summary>The background run, for tests and for shutting down cleanly.</summary>
    public Task Running { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts the run of <paramref name="plan"/> (made with <paramref name="record"/> and <paramref name="log"/>, which the
    /// run takes over) and returns at once.
    /// </summary>
    public InstallStarted Start(Plan plan, DiskFacts disk, InstallRecord? record, InstallLog log, PowerAction? after)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_lock)
        {
            if (_phase != SessionPhase.Editing)
            {
                throw InstallerServiceException.Conflict($"the install already ran ({_phase.ToString().ToLowerInvariant()})");
            }

            _phase = SessionPhase.Installing;
        }

        Running = Task.Run(() => options.DryRun ? DryRunAsync(plan, disk, log) : InstallAsync(plan, disk, record!, log, after));
        return new InstallStarted([.. plan.Steps.Select(s => new PlannedStep(s.Id, s.Title))]);
    }

    private async Task DryRunAsync(Plan plan, DiskFacts disk, InstallLog log)
    {
        using (log)
        {
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                var step = plan.Steps[i];
                Events.Add(InstallEventKind.StepStarted, step.Id, step.Title, (double)i / plan.Steps.Count);
                await Task.Delay(options.DryRunStepDelay).ConfigureAwait(false);
                Events.Add(InstallEventKind.StepFinished, step.Id, "dry run: not done", (double)(i + 1) / plan.Steps.Count);
            }

            var message = $"dry run: nothing was written to {disk.Path}";
            log.Message(message);
            End(SessionPhase.Finished, new FinishInfo(true, message, [], null, null), InstallEventKind.Finished, message);
        }
    }

    private async Task InstallAsync(Plan plan, DiskFacts disk, InstallRecord record, InstallLog log, PowerAction? after)
    {
        using (log)
        {
            var destructive = plan.Steps.Where(s => s.Destructive.Count > 0).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var progress = new EventProgress(Events, plan.Steps.ToDictionary(s => s.Id, s => s.Title, StringComparer.Ordinal));
            try
            {
                var engine = new InstallEngine(planner.EngineOptions(record));
                var executed = await PlanExecution.RunAsync(engine, plan, record, options.Info.Name is { Length: > 0 } name ? name : plan.Distribution,
                    options.Installer, options.System, log, progress, CancellationToken.None).ConfigureAwait(false);
                var message = $"installed {executed.Install.Packages.Count} packages onto {disk.Path}; it boots with: {executed.Install.KernelCommandLine}";
                log.Message(message);
                log.Message(executed.BootEntryLine);
                Events.Add(InstallEventKind.Log, null, executed.BootEntryLine);
                var finish = new FinishInfo(true, message, [.. executed.HostKeys.Select(k => k.ToString())], InstallRecord.ConfigPath, InstallRecord.LogPath);
                End(SessionPhase.Finished, finish, InstallEventKind.Finished, message);
                if (after is { } action)
                {
                    Power(action);
                }
            }
            catch (Exception ex) when (ExitCodes.IsExpected(ex) || ex is IOException or InvalidDataException or InvalidOperationException)
            {
                var untouched = !progress.StartedAny(destructive) || ExitCodes.ReasonFor(ex) is ReasonCodes.PlanStale or ReasonCodes.TargetRefused;
                var message = $"install FAILED: {ExitCodes.Describe(ex)}; {(untouched ? "nothing was written to any disk" : $"{disk.Path} may be partly written; fix the cause and install again")}";
                log.Message(message);
                End(SessionPhase.Failed, new FinishInfo(false, message, [], null, log.Path), InstallEventKind.Failed, message);
            }
        }
    }

    /// <summary>Reboots or powers off (the caller checked the phase and dry-run).</summary>
    public void Power(PowerAction action)
    {
        if (action == PowerAction.Reboot)
        {
            options.Power.Reboot();
        }
        else
        {
            options.Power.PowerOff();
        }
    }

    private void End(SessionPhase phase, FinishInfo finish, InstallEventKind kind, string message)
    {
        lock (_lock)
        {
            _finish = finish;
            _phase = phase;
        }

        // The last event comes after the phase changed, so a client that sees it reads the final phase.
        Events.Add(kind, null, message, phase == SessionPhase.Finished ? 1.0 : null);
    }

    // The engine's events as the session's: steps started and finished, progress with the overall fraction, log lines.
    private sealed class EventProgress(EventBuffer events, IReadOnlyDictionary<string, string> steps) : IProgress<EngineEvent>
    {
        private readonly HashSet<string> _started = new(StringComparer.Ordinal);
        private int _finished;

        public bool StartedAny(IReadOnlySet<string> ids)
        {
            lock (_started)
            {
                return _started.Overlaps(ids);
            }
        }

        public void Report(EngineEvent value)
        {
            lock (_started)
            {
                switch (value)
                {
                    case StepStartedEvent started:
                        _started.Add(started.StepId);
                        events.Add(InstallEventKind.StepStarted, started.StepId, steps.GetValueOrDefault(started.StepId, started.StepId), Overall(0));
                        break;
                    case StepFinishedEvent finished:
                        _finished++;
                        events.Add(InstallEventKind.StepFinished, finished.StepId, finished.Message, Overall(0));
                        break;
                    case ProgressEvent p:
                        events.Add(InstallEventKind.Progress, p.StepId, p.Message, Overall(p.Total > 0 ? (double)p.Done / p.Total : 0));
                        break;
                    case LogEvent log:
                        events.Add(InstallEventKind.Log, log.StepId, log.Message);
                        break;
                    case StepFailedEvent failed:
                        events.Add(InstallEventKind.Log, failed.StepId, $"{failed.StepId} failed: {failed.Message}");
                        break;
                    case DoneEvent done:
                        events.Add(InstallEventKind.Log, null, done.Message);
                        break;
                }
            }
        }

        private double Overall(double withinStep) => steps.Count == 0 ? 0 : Math.Min(1, (_finished + withinStep) / steps.Count);
    }
}
