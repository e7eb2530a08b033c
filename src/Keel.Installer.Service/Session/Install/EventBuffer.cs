using Keel.Installer.Api;

namespace Keel.Installer.Service.Session.Install;

/// <summary>The install's events with increasing ids (from 1), kept for the whole session so a client that reconnects can catch up; readers long-poll.</summary>
public sealed class EventBuffer
{
    private readonly Lock _lock = new();
    private readonly List<InstallEvent> _events = [];
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Appends an event; returns it with its id.</summary>
    public InstallEvent Add(InstallEventKind kind, string? step, string message, double? fraction = null)
    {
        TaskCompletionSource wake;
        InstallEvent added;
        lock (_lock)
        {
            added = new InstallEvent(_events.Count + 1, kind, step, message, fraction);
            _events.Add(added);
            wake = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
        return added;
    }

    /// <summary>The events after <paramref name="after"/>, waiting up to <paramref name="wait"/> for the first when there are none yet.</summary>
    public async Task<IReadOnlyList<InstallEvent>> AfterAsync(long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            if (Slice(after) is { Count: > 0 } ready || wait <= TimeSpan.Zero)
            {
                return Slice(after);
            }

            signal = _next.Task;
        }

        try
        {
            await signal.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing happened within the wait: an empty page, the client asks again.
        }

        lock (_lock)
        {
            return Slice(after);
        }
    }

    private List<InstallEvent> Slice(long after) =>
        after < 0 ? [.. _events] : after >= _events.Count ? [] : _events.GetRange((int)after, _events.Count - (int)after);
}
