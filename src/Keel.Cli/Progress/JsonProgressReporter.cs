using System.Text.Json;
using Keel.Install;

namespace Keel.Cli.Progress;

/// <summary>
/// One JSON object per line: {"phase": step id, "message", "done", "total", "elapsed_ms"}; the last line has phase "done".
/// Phase ids are Planner.StepIds and never change meaning, so programs can key on them.
/// </summary>
internal sealed class JsonProgressReporter(TextWriter stdout) : ProgressReporter
{
    protected override void OnEvent(EngineEvent e) => Write(e.StepId, e.Message, e.Done, e.Total);

    protected override void OnComplete(string message) => Write("done", message, 1, 1);

    private void Write(string phase, string message, int done, int total)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("phase", phase);
            json.WriteString("message", message);
            json.WriteNumber("done", done);
            json.WriteNumber("total", total);
            json.WriteNumber("elapsed_ms", (long)Elapsed.TotalMilliseconds);
            json.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        stdout.Flush();
    }
}
