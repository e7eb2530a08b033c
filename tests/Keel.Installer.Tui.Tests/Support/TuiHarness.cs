using System.Diagnostics;
using Keel.Installer.Api;
using Terminal.Gui.Input;

namespace Keel.Installer.Tui.Tests.Support;

/// <summary>
/// Runs the real text UI on Terminal.Gui's ANSI driver at 80x24 and drives it with injected keys, as a person at the
/// console would; waits for the service's answers before reading the screen.
/// </summary>
internal sealed class TuiHarness : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource stop = new();
    private TextUiProbe probe = null!;

    private TuiHarness()
    {
    }

    /// <summary>The UI's exit code task.</summary>
    public Task<int> Exit { get; private set; } = null!;

    public static async Task<TuiHarness> StartAsync(IInstallerApi api, bool ascii = false)
    {
        var harness = new TuiHarness();
        var started = new TaskCompletionSource<TextUiProbe>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new TextUiOptions { Ascii = ascii, Driver = "ansi", ScreenSize = (80, 24), Started = p => started.TrySetResult(p) };
        harness.Exit = TextInstaller.RunAsync(api, options, harness.stop.Token);
        Task first = await Task.WhenAny(started.Task, harness.Exit, Task.Delay(Timeout));
        if (first != started.Task)
        {
            await harness.Exit.WaitAsync(TimeSpan.FromSeconds(1)); // surfaces the UI's exception
            throw new TimeoutException("the text UI did not show its first screen");
        }
        harness.probe = await started.Task;
        await harness.SettleAsync();
        return harness;
    }

    /// <summary>Waits until no API call is outstanding and the main loop has drawn once more.</summary>
    public async Task SettleAsync()
    {
        var watch = Stopwatch.StartNew();
        while (!Exit.IsCompleted)
        {
            bool? busy = await OnUiOrExit(() => probe.Busy);
            if (busy is false)
            {
                // One more loop turn, so answers posted during the check are handled too.
                await Task.Delay(20);
                if (await OnUiOrExit(() => probe.Busy) is not true)
                {
                    return;
                }
            }
            if (watch.Elapsed > Timeout)
            {
                throw new TimeoutException("the UI stayed busy:\n" + await CaptureAsync());
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Runs on the UI thread, or answers null once the UI has ended (its loop runs nothing any more).</summary>
    private async Task<T?> OnUiOrExit<T>(Func<T> action)
        where T : struct
    {
        Task<T> call = probe.OnUi(action);
        return await Task.WhenAny(call, Exit) == call ? await call : null;
    }

    private async Task Send(Key key)
    {
        Xunit.Assert.False(Exit.IsCompleted, $"the UI has ended; cannot type {key}");
        await Task.WhenAny(probe.Key(key), Exit);
    }

    public async Task PressAsync(params Key[] keys)
    {
        foreach (Key key in keys)
        {
            await Send(key);
            await SettleAsync();
        }
    }

    /// <summary>Types text into the focused field, one key per character.</summary>
    public async Task TypeAsync(string text)
    {
        foreach (char c in text)
        {
            await Send(new Key(c));
        }
        await SettleAsync();
    }

    /// <summary>Clears the focused text field (select all with Ctrl+A is not bound everywhere: Backspace from the end).</summary>
    public async Task ClearFieldAsync(int length = 60)
    {
        await Send(Key.End);
        for (int i = 0; i < length; i++)
        {
            await Send(Key.Backspace);
        }
        await SettleAsync();
    }

    public Task<string> CaptureAsync() => probe.Capture();

    public Task<string> FocusedAsync() => probe.Focused();

    public Task<int> ScreenAsync() => probe.ScreenIndex();

    /// <summary>The screen after settling; fails with the capture when <paramref name="text"/> is not on it.</summary>
    public async Task<string> ExpectAsync(string text)
    {
        await SettleAsync();
        string screen = await CaptureAsync();
        Xunit.Assert.True(screen.Contains(text, StringComparison.Ordinal), $"expected '{text}' on the screen:\n{screen}");
        return screen;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exit.IsCompleted)
        {
            await stop.CancelAsync();
            await Task.WhenAny(Exit, Task.Delay(Timeout));
        }
        stop.Dispose();
    }
}
