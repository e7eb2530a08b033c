using Keel.Installer.Tui.Wizard;
using Terminal.Gui.App;
using Terminal.Gui.Input;

namespace Keel.Installer.Tui;

/// <summary>Test handle on a running text UI: inject keys, read the screen as text, know when the service's answers are in.</summary>
internal sealed class TextUiProbe(IApplication app, WizardWindow window, UiWork work)
{
    /// <summary>True while an API call (or the handling of its answer) is outstanding.</summary>
    public bool Busy => work.Busy;

    /// <summary>Runs <paramref name="action"/> on the UI thread and waits for it.</summary>
    public Task<T> OnUi<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Invoke(() =>
        {
            try
            {
                done.TrySetResult(action());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        return done.Task;
    }

    /// <summary>The 0-based index of the screen shown.</summary>
    public Task<int> ScreenIndex() => OnUi(() => window.Index);

    /// <summary>The focused view as "Type: text", to say where the keys go.</summary>
    public Task<string> Focused() => OnUi(() => app.Navigation?.GetFocused() is { } view ? $"{view.GetType().Name}: {view.Text}" : "(nothing)");

    /// <summary>Injects a key as if typed, on the UI thread.</summary>
    public Task Key(Key key) => OnUi(() =>
    {
        app.GetInputInjector().InjectKey(key);
        return true;
    });

    /// <summary>The screen as text, one line per row, after a full layout and draw.</summary>
    public Task<string> Capture() => OnUi(() =>
    {
        app.LayoutAndDraw(true);
        return app.Driver!.ToString() ?? "";
    });
}
