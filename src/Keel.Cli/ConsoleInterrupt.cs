using System.Runtime.InteropServices;

namespace Keel.Cli;

/// <summary>Turns SIGINT and SIGTERM into cancellation so long work can release what it holds and exit with 130.</summary>
internal sealed class ConsoleInterrupt : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private bool _disposed;

    public ConsoleInterrupt(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        lock (_cts)
        {
            _disposed = true;
        }

        _cts.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // A signal can arrive on another thread while the command is finishing and this object is being disposed.
        lock (_cts)
        {
            if (_disposed)
            {
                return;
            }

            context.Cancel = true;
            _cts.Cancel();
        }
    }
}
