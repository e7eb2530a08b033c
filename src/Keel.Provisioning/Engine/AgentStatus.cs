using System.Text.Json.Serialization;
using Keel.Errors;

namespace Keel.Provisioning.Engine;

/// <summary>keel-agent's status document (data/keel-status.json): overall state, instance, per-module results, problems.</summary>
public sealed class AgentStatus
{
    /// <summary>"running", "done", "degraded" (warnings) or "error".</summary>
    public string Status { get; set; } = "running";

    /// <summary>The instance-id provisioned, when the datasource could be read.</summary>
    public string? InstanceId { get; set; }

    /// <summary>The datasource name.</summary>
    public string? Datasource { get; set; }

    /// <summary>What the platform was told (Azure's ready report), e.g. "Ready (json)"; null when nothing was reported.</summary>
    public string? ReadyReport { get; set; }

    /// <summary>The boot the run belongs to.</summary>
    public string? BootId { get; set; }

    /// <summary>The agent version.</summary>
    public string Version { get; set; } = AgentVersion.Value;

    /// <summary>When the first stage of this boot started.</summary>
    public DateTimeOffset Started { get; set; }

    /// <summary>When the last stage finished.</summary>
    public DateTimeOffset? Finished { get; set; }

    /// <summary>Wall time of each stage run this boot ("datasource" is reading and processing the instance's data).</summary>
    public List<StageTiming> Stages { get; set; } = [];

    /// <summary>Module results in run order.</summary>
    public List<ModuleResult> Modules { get; set; } = [];

    /// <summary>Errors: what was not applied.</summary>
    public List<StatusMessage> Errors { get; set; } = [];

    /// <summary>Warnings: unknown or deprecated keys, ignored parts.</summary>
    public List<StatusMessage> Warnings { get; set; } = [];

    /// <summary>
    /// Keys and options of the config that keel-agent does not apply (modules not implemented or not applicable on an RPM
    /// distribution, unsupported options): also among <see cref="Warnings"/> (or <see cref="Errors"/> when strict).
    /// </summary>
    public List<StatusMessage> NotApplied { get; set; } = [];

    /// <summary>Recomputes <see cref="Status"/> from the errors and warnings.</summary>
    public void Settle() => Status = Errors.Count > 0 ? "error" : Warnings.Count > 0 ? "degraded" : "done";

    /// <summary>
    /// Exit code of `keel-agent status` in Keel's one exit-code table: 0 done, or degraded (warnings are in the document)
    /// unless <paramref name="strict"/>; 1 error, still running or never run. Exit code 2 means a usage error everywhere.
    /// </summary>
    public int ExitCodeFor(bool strict) => Status switch { "done" => ExitCodes.Ok, "degraded" when !strict => ExitCodes.Ok, _ => ExitCodes.Failed };
}

/// <summary>One module's result.</summary>
public sealed class ModuleResult
{
    /// <summary>Module name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Stage it ran in.</summary>
    public string Stage { get; set; } = "";

    /// <summary>Its frequency.</summary>
    public string Frequency { get; set; } = "";

    /// <summary>"ran", "nothing-to-do", "already-ran", "deferred" or "failed".</summary>
    public string Result { get; set; } = "";

    /// <summary>Wall time in milliseconds.</summary>
    public double DurationMs { get; set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; set; }
}

/// <summary>When a stage started and how long it took.</summary>
public sealed class StageTiming
{
    /// <summary>"datasource", "init", "config" or "final".</summary>
    public string Name { get; set; } = "";

    /// <summary>When it started.</summary>
    public DateTimeOffset Started { get; set; }

    /// <summary>Wall time in milliseconds.</summary>
    public double DurationMs { get; set; }
}

/// <summary>A status message with its source.</summary>
public sealed class StatusMessage
{
    /// <summary>Where: a file, config path or module.</summary>
    public string Source { get; set; } = "";

    /// <summary>What.</summary>
    public string Message { get; set; } = "";
}

/// <summary>Source-generated JSON for the status document (no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentStatus))]
public sealed partial class StatusJsonContext : JsonSerializerContext;
