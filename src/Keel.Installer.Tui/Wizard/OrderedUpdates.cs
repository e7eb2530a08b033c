namespace Keel.Installer.Tui.Wizard;

/// <summary>
/// One screen's state-changing requests, sent to the service one at a time in the order they were made, the ones overtaken
/// by a newer request before their turn not sent at all.
/// </summary>
/// <remarks>
/// Sent concurrently, two edits can reach the service out of order and leave it holding an older choice than the one the
/// screen shows (seen on a loaded machine while arrowing through the disk list); typed key by key, a passphrase would
/// otherwise queue one request per key.
/// </remarks>
internal sealed class OrderedUpdates(UiWork work)
{
    private Task sent = Task.CompletedTask;
    private int latest;

    /// <summary>
    /// Queues <paramref name="request"/>; <paramref name="show"/> runs on the UI thread with the answer when it is the
    /// newest request's, <paramref name="done"/> with every answer (null: overtaken, not sent).
    /// </summary>
    public void Run<T>(Func<CancellationToken, Task<T>> request, Action<T> show, Action<T?> done)
        where T : class
    {
        int mine = ++latest;
        Task previous = sent;
        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sent = turn.Task;
        work.Run(async ct =>
        {
            try
            {
                await previous.ConfigureAwait(false);
                return mine == Volatile.Read(ref latest) ? await request(ct).ConfigureAwait(false) : null;
            }
            finally
            {
                turn.SetResult();
            }
        }, answer =>
        {
            if (answer is not null && mine == latest)
            {
                show(answer);
            }

            done(answer);
        });
    }
}
