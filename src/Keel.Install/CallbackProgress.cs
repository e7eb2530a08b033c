namespace Keel.Install;

/// <summary>
/// Calls back on the reporting thread. Progress&lt;T&gt; posts to the thread pool, so its events could arrive after the
/// step's final event; the engine's events must stay in order.
/// </summary>
internal sealed class CallbackProgress<T>(Action<T> callback) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock)
        {
            callback(value);
        }
    }
}
