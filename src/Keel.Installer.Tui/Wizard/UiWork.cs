using Terminal.Gui.App;

namespace Keel.Installer.Tui.Wizard;

/// <summary>
/// Runs API calls off the UI thread and hands their answers back to it, so the screen never blocks on the service; counts
/// what is in flight so tests know when the screen has settled.
/// </summary>
internal sealed class UiWork(IApplication app, Action<string> onError, CancellationToken cancellationToken)
{
    private int pending;

    /// <summary>True while a call or its answer's handling is outstanding.</summary>
    public bool Busy => Volatile.Read(ref pending) > 0;

    /// <summary>The session's cancellation (the user quit or the host stopped).</summary>
    public CancellationToken Token => cancellationToken;

    /// <summary>Starts <paramref name="work"/> on the thread pool and runs <paramref name="done"/> with its answer on the UI thread.</summary>
    public void Run<T>(Func<CancellationToken, Task<T>> work, Action<T> done)
    {
        Interlocked.Increment(ref pending);
        _ = Task.Run(async () =>
        {
            try
            {
                T result = await work(cancellationToken).ConfigureAwait(false);
                app.Invoke(() =>
                {
                    try
                    {
                        done(result);
                    }
                    catch (Exception ex)
                    {
                        onError(ex.Message);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref pending);
                    }
                });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Interlocked.Decrement(ref pending);
            }
            catch (Exception ex)
            {
                // The service's refusal (InstallerApiException) or a lost socket: shown on the status line, the screen stays.
                string message = ex.Message;
                app.Invoke(() =>
                {
                    Interlocked.Decrement(ref pending);
                    onError(message);
                });
            }
        }, CancellationToken.None);
    }
}
