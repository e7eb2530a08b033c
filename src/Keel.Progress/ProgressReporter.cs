using System.Diagnostics;

namespace Keel.Progress;

/// <summary>Renders engine events for one front end; front ends only render, the engine decides what happens.</summary>
public abstract class ProgressReporter : IProgress<EngineEvent>, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Time since the reporter was made (the command's start).</summary>
    protected TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Renders one event; events from several threads are rendered one at a time.</summary>
    public void Report(EngineEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            OnEvent(value);
        }
    }

    /// <summary>The run's final line (a `done` event).</summary>
    public void Complete(string message)
    {
        lock (_lock)
        {
            OnComplete(message);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    protected abstract void OnEvent(EngineEvent e);

    protected abstract void OnComplete(string message);
}
