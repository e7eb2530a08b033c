using Keel.Config.Validation;

namespace Keel.Install.Planning;

/// <summary>Renders a plan as text for people: numbered steps, details indented, destructive operations marked with '!'.</summary>
public static class PlanText
{
    public static void Print(Plan plan, TextWriter output)
    {
        var t = plan.Target;
        output.WriteLine($"Plan for {plan.Config}: {plan.Distribution} preset '{plan.Preset}' ({plan.Architecture}), {plan.Packages.Count} packages requested");
        output.WriteLine(t.Kind == PlanTargetKind.Image
            ? $"Target: image {t.Path} ({ByteSize.Format(t.SizeBytes)}, {t.Format?.ToString().ToLowerInvariant()})"
            : $"Target: device {t.Path} ({ByteSize.Format(t.SizeBytes)})");
        foreach (var m in plan.Messages)
        {
            output.WriteLine($"{m.Severity}: {m.Text}");
        }

        int n = 0;
        foreach (var step in plan.Steps)
        {
            output.WriteLine($"{++n,2}. [{step.Id}] {step.Title}");
            foreach (var d in step.Details)
            {
                output.WriteLine($"      {d}");
            }

            foreach (var op in step.Destructive)
            {
                output.WriteLine($"    ! {op.Description}");
            }
        }

        int destructive = plan.Steps.Sum(s => s.Destructive.Count);
        output.WriteLine($"{plan.Steps.Count} steps, {destructive} destructive operations. Nothing was changed.");
    }
}
