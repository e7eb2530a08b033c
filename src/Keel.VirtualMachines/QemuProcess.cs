using System.Diagnostics;
using System.Text;

namespace Keel.VirtualMachines;

/// <summary>
/// A running qemu in its own process group (started through setsid), its console fed to a
/// <see cref="ConsoleMonitor"/> and its stderr kept for error reports. Disposing stops the whole
/// group: SIGTERM so qemu flushes its disks, SIGKILL if it has not gone within a few seconds.
/// </summary>
internal sealed class QemuProcess : IAsyncDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(3);
    private const int KeepErrorLines = 20;

    private readonly Process _process;
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly Queue<string> _errorLines = new();
    private readonly Lock _lock = new();

    private QemuProcess(Process process, ConsoleMonitor? console)
    {
        _process = process;
        _stdoutPump = console is null ? Task.CompletedTask : Task.Run(() => PumpConsoleAsync(process.StandardOutput.BaseStream, console));
        _stderrPump = Task.Run(() => PumpErrorsAsync(process.StandardError));
        Exited = WaitForExitAndOutputAsync();
    }

    /// <summary>Completes once qemu has exited and its output has been read to the end.</summary>
    public Task Exited { get; }

    public int ProcessId => _process.Id;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Starts <paramref name="qemu"/> with <paramref name="arguments"/> in a new session via <paramref name="setsid"/>;
    /// with no <paramref name="console"/> qemu inherits this process's stdin and stdout (the serial console on the terminal).
    /// </summary>
    public static QemuProcess Start(string setsid, string qemu, IEnumerable<string> arguments, ConsoleMonitor? console)
    {
        var psi = new ProcessStartInfo(setsid)
        {
            // A pipe rather than the terminal unless the terminal is asked for: qemu switches a terminal to raw
            // mode and, if killed, leaves it that way.
            RedirectStandardInput = console is not null,
            RedirectStandardOutput = console is not null,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --wait keeps the pid ours if setsid has to fork; normally it just execs qemu, whose pid
        // then names the new process group.
        psi.ArgumentList.Add("--wait");
        psi.ArgumentList.Add(qemu);
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        var process = Process.Start(psi) ?? throw new IOException($"{qemu}: could not be started");
        return new QemuProcess(process, console);
    }

    /// <summary>The last lines qemu wrote to stderr.</summary>
    public IReadOnlyList<string> ErrorLines()
    {
        lock (_lock)
        {
            return _errorLines.ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(NativeMethods.SIGTERM);
            if (!await WaitAsync(_process.WaitForExitAsync(), GracePeriod).ConfigureAwait(false))
            {
                Signal(NativeMethods.SIGKILL);
                KillTree();
            }
        }

        // Whatever qemu left in its group (it starts none normally) goes too.
        NativeMethods.KillProcessGroup(_process.Id, NativeMethods.SIGKILL);
        await WaitAsync(Exited, GracePeriod * 2).ConfigureAwait(false);
        _process.Dispose();
    }

    private static async Task<bool> WaitAsync(Task task, TimeSpan limit)
    {
        var finished = await Task.WhenAny(task, Task.Delay(limit)).ConfigureAwait(false);
        return finished == task;
    }

    private void Signal(int signal)
    {
        if (!NativeMethods.KillProcessGroup(_process.Id, signal) && signal == NativeMethods.SIGKILL)
        {
            KillTree();
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitForExitAndOutputAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(_stdoutPump, _stderrPump).ConfigureAwait(false);
    }

    private static async Task PumpConsoleAsync(Stream stdout, ConsoleMonitor console)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = await stdout.ReadAsync(bytes).ConfigureAwait(false)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            console.Append(chars.AsSpan(0, count));
        }
    }

    private async Task PumpErrorsAsync(StreamReader stderr)
    {
        while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_lock)
            {
                _errorLines.Enqueue(line);
                if (_errorLines.Count > KeepErrorLines)
                {
                    _errorLines.Dequeue();
                }
            }
        }
    }
}
