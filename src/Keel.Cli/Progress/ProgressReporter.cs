using System.Diagnostics;
using Keel.Install;

namespace Keel.Cli.Progress;

/// <summary>Renders engine events; front ends only render, the engine decides what happens.</summary>
internal abstract class ProgressReporter : IProgress<EngineEvent>, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Time since the command started.</summary>
    protected TimeSpan Elapsed => _clock.Elapsed;

    public void Report(EngineEvent value)
    {
        lock (_lock)
        {
            OnEvent(value);
        }
    }

    /// <summary>The command's final line.</summary>
    public void Complete(string message)
    {
        lock (_lock)
        {
            OnComplete(message);
        }
    }

    public virtual void Dispose()
    {
    }

    protected abstract void OnEvent(EngineEvent e);

    protected abstract void OnComplete(string message);
}
