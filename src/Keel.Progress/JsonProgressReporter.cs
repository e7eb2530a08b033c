using System.Text.Json;

namespace Keel.Progress;

/// <summary>
/// One JSON object per line, {"v":1,"type":...,"step":...} plus the fields of the type (docs/progress-events.md); the
/// last line has type "done" (or "step-failed"). Step ids never change meaning, so programs can key on them.
/// </summary>
public sealed class JsonProgressReporter(TextWriter stdout) : ProgressReporter
{
    protected override void OnEvent(EngineEvent e) => Write(e);

    protected override void OnComplete(string message) => Write(new DoneEvent(message));

    private void Write(EngineEvent e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteString("type", e.Type);
            json.WriteString("step", e.Step);
            switch (e)
            {
                case PlanEvent plan:
                    json.WriteStartArray("steps");
                    foreach (var step in plan.Steps)
                    {
                        json.WriteStringValue(step);
                    }

                    json.WriteEndArray();
                    break;
                case ProgressEvent p:
                    json.WriteString("message", p.Message);
                    json.WriteNumber("done", p.Done);
                    json.WriteNumber("total", p.Total);
                    if (p.Bytes is { } bytes)
                    {
                        json.WriteNumber("bytes", bytes);
                    }

                    break;
                case LogEvent l:
                    json.WriteString("message", l.Message);
                    break;
                case StepFinishedEvent f:
                    json.WriteString("message", f.Message);
                    break;
                case StepFailedEvent f:
                    json.WriteString("reason", f.Reason);
                    json.WriteString("input", f.Input);
                    json.WriteString("message", f.Message);
                    json.WriteString("hint", f.Hint);
                    break;
                case DoneEvent d:
                    json.WriteString("message", d.Message);
                    break;
            }

            json.WriteNumber("elapsed_ms", (long)Elapsed.TotalMilliseconds);
            json.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        stdout.Flush();
    }
}
