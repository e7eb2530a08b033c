using System.Globalization;

namespace Keel.Progress;

/// <summary>
/// Human progress on stderr. Live (a terminal): the current step on one line that updates in place, then a finished line
/// with the step's duration. Plain (logs): one line per event, and each finished step with its duration.
/// </summary>
public sealed class PlainProgressReporter(TextWriter stdout, TextWriter stderr, bool live) : ProgressReporter
{
    private readonly Dictionary<string, TimeSpan> _started = new(StringComparer.Ordinal);
    private bool _liveLine;

    protected override void OnEvent(EngineEvent e)
    {
        switch (e)
        {
            case StepStartedEvent s:
                // Durations run from the runner's step-started, which is emitted before the step's code runs.
                _started[s.StepId] = Elapsed;
                if (live)
                {
                    Live($"  .. {s.StepId,-20}");
                }

                break;
            case ProgressEvent p:
                Line(p.StepId, (p.Total > 1 ? $"[{p.Done}/{p.Total}] " : "") + p.Message);
                break;
            case LogEvent l:
                Line(l.StepId, l.Message);
                break;
            case StepFinishedEvent f:
                Finished(f);
                break;
            case StepFailedEvent f when !live:
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,6:0.0}s {f.StepId,-20} failed ({f.Reason}): {f.Message}"));
                break;
        }
    }

    protected override void OnComplete(string message) => stdout.WriteLine(message);

    protected override void Dispose(bool disposing)
    {
        // A failure ends the live line so the error starts on a fresh one.
        if (_liveLine)
        {
            stderr.WriteLine();
            _liveLine = false;
        }

        base.Dispose(disposing);
    }

    private void Line(string step, string text)
    {
        if (live)
        {
            Live($"  .. {step,-20} {text}");
        }
        else
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,6:0.0}s {step,-20} {text}"));
        }
    }

    private void Finished(StepFinishedEvent f)
    {
        var took = _started.TryGetValue(f.StepId, out var start) ? (Elapsed - start).TotalSeconds : 0;
        var text = string.Create(CultureInfo.InvariantCulture, $"{f.StepId,-20} {f.Message} ({took:0.0}s)");
        if (live)
        {
            stderr.Write("\r\x1b[K  ok " + text + "\n");
            _liveLine = false;
        }
        else
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,6:0.0}s ok {text}"));
        }
    }

    private void Live(string line)
    {
        var width = Console.IsOutputRedirected ? 120 : Math.Max(40, Console.WindowWidth);
        stderr.Write("\r\x1b[K" + (line.Length >= width ? line[..(width - 1)] : line));
        stderr.Flush();
        _liveLine = true;
    }
}
