using System.Globalization;
using Keel.Install;

namespace Keel.Cli.Progress;

/// <summary>
/// Human progress on stderr. Live (a terminal): the current phase on one line that updates in place, and a finished line
/// with its duration when the phase changes. Plain: one line per event, for logs.
/// </summary>
internal sealed class PlainProgressReporter(TextWriter stdout, TextWriter stderr, bool live) : ProgressReporter
{
    private string? _phase;
    private TimeSpan _phaseStart;
    private TimeSpan _lastEvent;
    private string _last = "";

    protected override void OnEvent(EngineEvent e)
    {
        switch (e)
        {
            case ProgressEvent p:
                OnProgress(p);
                break;
            case LogEvent l:
                OnProgress(new ProgressEvent(l.StepId, l.Message, 1, 1));
                break;
            case StepFailedEvent f when !live:
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,6:0.0}s {f.StepId,-20} failed ({f.Reason}): {f.Message}"));
                break;
        }
    }

    private void OnProgress(ProgressEvent e)
    {
        var counter = e.Total > 1 ? $"[{e.Done}/{e.Total}] " : "";
        if (!live)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Elapsed.TotalSeconds,6:0.0}s {e.StepId,-20} {counter}{e.Message}"));
            return;
        }

        if (_phase != e.StepId)
        {
            FinishPhase();
            _phase = e.StepId;

            // Steps report when they finish, so a step began when the one before it last reported.
            _phaseStart = _lastEvent;
        }

        _last = e.Message;
        _lastEvent = Elapsed;
        var line = $"  .. {e.StepId,-20} {counter}{e.Message}";
        var width = Console.IsOutputRedirected ? 120 : Math.Max(40, Console.WindowWidth);
        stderr.Write("\r\x1b[K" + (line.Length >= width ? line[..(width - 1)] : line));
        stderr.Flush();
    }

    protected override void OnComplete(string message)
    {
        FinishPhase();
        stdout.WriteLine(message);
    }

    public override void Dispose()
    {
        // A failure ends the live line so the error starts on a fresh one.
        if (live && _phase is not null)
        {
            stderr.WriteLine();
            _phase = null;
        }

        base.Dispose();
    }

    private void FinishPhase()
    {
        if (_phase is null)
        {
            return;
        }

        var took = (_lastEvent - _phaseStart).TotalSeconds;
        stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\r\x1b[K  ok {_phase,-20} {_last} ({took:0.0}s)\n"));
        _phase = null;
    }
}
