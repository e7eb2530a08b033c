using Keel.Installer.Api;
using Keel.Installer.Tui.Screens;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.App;
using Terminal.Gui.Configuration;

namespace Keel.Installer.Tui;

/// <summary>The interactive installer's text UI (Terminal.Gui): eleven screens, all decisions asked of <see cref="IInstallerApi"/>.</summary>
public static class TextInstaller
{
    /// <summary>Exit code when the user quits (as a shell reports SIGINT).</summary>
    public const int QuitExitCode = 130;

    /// <summary>
    /// Runs the wizard on its own thread (Terminal.Gui's loop owns the thread it runs on) until the user finishes (0),
    /// the install fails (1) or the user quits (130).
    /// </summary>
    public static Task<int> RunAsync(IInstallerApi api, TextUiOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        var result = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                result.TrySetResult(Run(api, options, cancellationToken));
            }
            catch (Exception ex)
            {
                result.TrySetException(ex);
            }
        })
        { Name = "keel-installer-ui", IsBackground = true };
        thread.Start();
        return result.Task;
    }

    private static int Run(IInstallerApi api, TextUiOptions options, CancellationToken cancellationToken)
    {
        // Asked before the UI starts so a dead service is a clear error, not an empty screen.
        SessionState session = api.GetSessionAsync(cancellationToken).GetAwaiter().GetResult();
        bool ascii = options.Ascii ?? TextUiOptions.DetectAscii(Environment.GetEnvironmentVariable);
        ConsoleSize.EnsureSize(options.FallbackWidth, options.FallbackHeight);
        GlyphSettings glyphs = GlyphSettings.Current;
        using IApplication app = Application.Create();
        app.Init(options.Driver ?? "ansi");
        try
        {
            if (options.ScreenSize is { } forced)
            {
                app.Driver!.SetScreenSize(forced.Width, forced.Height);
            }
            else if (app.Screen.Width <= 0 || app.Screen.Height <= 0)
            {
                app.Driver!.SetScreenSize(options.FallbackWidth, options.FallbackHeight);
            }
            if (ascii)
            {
                GlyphSettings.Current = AsciiGlyphs.Create(glyphs);
            }
            int exitCode = QuitExitCode;
            using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            WizardContext? shared = null;
            var work = new UiWork(app, message => shared?.Status($"Error: {message}"), quit.Token);
            var context = shared = new WizardContext(api, work, session, ascii);
            var window = new WizardWindow(context, WizardScreens.Create);
            context.Exit = code =>
            {
                exitCode = code;
                quit.Cancel();
                app.RequestStop();
            };
            app.Keyboard.KeyDown += (_, key) =>
            {
                if (!key.Handled && window.HandleKey(key))
                {
                    key.Handled = true;
                }
            };
            using CancellationTokenRegistration stop = cancellationToken.Register(() => app.Invoke(() => context.Exit(QuitExitCode)));
            window.Initialized += (_, _) =>
            {
                window.Show(StartIndex(session));
                // Terminal.Gui focuses the window's first focusable view when the run begins; the screen's field is given
                // the focus after that, on the loop's first turn.
                app.Invoke(() =>
                {
                    window.FocusFirstField();
                    options.Started?.Invoke(new TextUiProbe(app, window, work));
                });
            };
            app.Run(window);
            window.Dispose();
            return exitCode;
        }
        finally
        {
            GlyphSettings.Current = glyphs;
        }
    }

    /// <summary>A client that reconnects to an install in progress or done starts at the progress screen.</summary>
    private static int StartIndex(SessionState session) => session.Phase switch
    {
        SessionPhase.Installing => WizardScreens.Progress,
        SessionPhase.Finished or SessionPhase.Failed => WizardScreens.Finish,
        _ => 0,
    };
}
