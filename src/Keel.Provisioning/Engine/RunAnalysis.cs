using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Keel.Provisioning.Engine;

/// <summary>`analyze`: where a boot's provisioning time went, per stage and per module, from the status document.</summary>
public sealed class RunAnalysis
{
    /// <summary>The instance analysed.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Sum of the stage times, in milliseconds.</summary>
    public double TotalMs { get; set; }

    /// <summary>Stages in run order.</summary>
    public List<StageAnalysis> Stages { get; set; } = [];

    /// <summary>Keys and options of the config keel-agent did not apply, each naming the key (never a silent skip).</summary>
    public List<StatusMessage> NotApplied { get; set; } = [];

    /// <summary>Builds the analysis; a stage without a recorded timing (an older record) is the sum of its modules' times.</summary>
    public static RunAnalysis From(AgentStatus status)
    {
        var analysis = new RunAnalysis { InstanceId = status.InstanceId, NotApplied = status.NotApplied };
        var names = status.Stages.Select(s => s.Name).Concat(status.Modules.Select(m => m.Stage)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var modules = status.Modules.Where(m => m.Stage == name)
                .Select(m => new ModuleAnalysis { Name = m.Name, Result = m.Result, DurationMs = m.DurationMs })
                .ToList();
            var recorded = status.Stages.FirstOrDefault(s => s.Name == name);
            analysis.Stages.Add(new StageAnalysis
            {
                Name = name,
                DurationMs = recorded?.DurationMs ?? Math.Round(modules.Sum(m => m.DurationMs), 3),
                Modules = modules,
            });
        }

        analysis.TotalMs = Math.Round(analysis.Stages.Sum(s => s.DurationMs), 3);
        return analysis;
    }

    /// <summary>A plain-text table: each stage, then its modules slowest first.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{"stage/module",-28} {"result",-14} {"ms",10}\n");
        foreach (var stage in Stages)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{stage.Name,-28} {"",-14} {stage.DurationMs,10:F3}\n");
            foreach (var m in stage.Modules.OrderByDescending(m => m.DurationMs))
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {m.Name,-26} {m.Result,-14} {m.DurationMs,10:F3}\n");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"{"total",-28} {"",-14} {TotalMs,10:F3}\n");
        foreach (var n in NotApplied)
        {
            sb.Append(CultureInfo.InvariantCulture, $"not applied: {n.Source}: {n.Message}\n");
        }
        return sb.ToString();
    }
}

/// <summary>One stage's time and its modules.</summary>
public sealed class StageAnalysis
{
    /// <summary>Stage name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Wall time in milliseconds.</summary>
    public double DurationMs { get; set; }

    /// <summary>Its modules in run order.</summary>
    public List<ModuleAnalysis> Modules { get; set; } = [];
}

/// <summary>One module's time.</summary>
public sealed class ModuleAnalysis
{
    /// <summary>Module name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its result.</summary>
    public string Result { get; set; } = "";

    /// <summary>Wall time in milliseconds.</summary>
    public double DurationMs { get; set; }
}

/// <summary>Source-generated JSON for `analyze --json`.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunAnalysis))]
public sealed partial class AnalysisJsonContext : JsonSerializerContext;
