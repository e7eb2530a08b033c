using Keel.Install;
using Keel.Install.Engine;
using Keel.Install.Planning;
using Keel.Progress;

namespace Keel.Installer;

/// <summary>What running a confirmed plan made: the engine's result, the SSH host keys, and the boot entry's console line.</summary>
public sealed record PlanExecutionResult(InstallResult Install, IReadOnlyList<HostKeyFingerprint> HostKeys, string BootEntryLine)
{
    /// <summary>The host keys line as the console and the finish screen show it ("ED25519 SHA256:..., ...", or made on first boot).</summary>
    public string HostKeysText => HostKeys.Count == 0 ? "made on first boot" : string.Join(", ", HostKeys);
}

/// <summary>
/// The part of an install both the unattended and the interactive installer run once the plan is confirmed: the engine
/// executes it with every event going to the install log too, then the record's host keys are read and the firmware
/// boot entry made. Kept in one place so the two installers cannot drift apart.
/// </summary>
public static class PlanExecution
{
    /// <summary>The install record for <paramref name="configText"/> (secrets already removed) with the log as it grows.</summary>
    public static InstallRecord Record(string configText, InstallLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return new InstallRecord { ConfigText = configText, Log = () => log.Text };
    }

    /// <summary>
    /// Executes <paramref name="plan"/> with <paramref name="engine"/> (made with <paramref name="record"/> in its options),
    /// reporting every event to <paramref name="progress"/> and the log; then the host keys and the EFI boot entry.
    /// </summary>
    public static async Task<PlanExecutionResult> RunAsync(
        InstallEngine engine, Plan plan, InstallRecord record, string bootLabel, InstallerOptions options, ISystemAccess system, InstallLog log,
        IProgress<EngineEvent> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(log);
        var result = await engine.ExecuteAsync(plan, new TeeProgress(progress, log.Events), cancellationToken).ConfigureAwait(false);
        var bootEntry = await EfiBootEntry.CreateAsync(plan, bootLabel, options, system, log, cancellationToken).ConfigureAwait(false);
        return new PlanExecutionResult(result, record.HostKeys, bootEntry);
    }

    // Every sink sees every engine event, in order.
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
