using Keel.Installer.Api;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Wizard;

/// <summary>
/// The 80x24 frame: a title line, the current screen in a frame, a status line, Back/Next buttons and the keys line.
/// F10 goes on (after the service accepted the screen), F2 goes back, Esc twice quits.
/// </summary>
internal sealed class WizardWindow : Window
{
    private readonly WizardContext context;
    private readonly IReadOnlyList<WizardScreen> screens;
    private readonly Label title;
    private readonly FrameView body;
    private readonly Label status;
    private readonly Label keys;
    private bool escPressed;

    public WizardWindow(WizardContext context, Func<WizardContext, IReadOnlyList<WizardScreen>> makeScreens)
    {
        this.context = context;
        BorderStyle = LineStyle.None;
        Width = Dim.Fill();
        Height = Dim.Fill();
        title = Widgets.Message(0, 0);
        body = new FrameView { X = 0, Y = 1, Width = Dim.Fill(), Height = 19, BorderStyle = LineStyle.Single };
        status = Widgets.Message(0, 20, 2);
        Button back = Widgets.Button(0, 22, "< Back", Back);
        Button next = Widgets.Button(12, 22, "Next >", Next);
        keys = Widgets.Message(0, 23);
        Add(title, body, status, back, next, keys);
        context.Status = ShowStatus;
        context.GoTo = Show;
        this.screens = makeScreens(context);
    }

    /// <summary>The 0-based index of the screen shown.</summary>
    public int Index { get; private set; } = -1;

    /// <summary>The screen shown.</summary>
    public WizardScreen Current => screens[Index];

    /// <summary>Handles the wizard's keys before the focused field sees them; true when the key was the wizard's.</summary>
    public bool HandleKey(Key key)
    {
        if (key == Key.Esc)
        {
            if (escPressed)
            {
                context.Exit(TextInstaller.QuitExitCode);
            }
            else
            {
                escPressed = true;
                ShowStatus(Index >= 9 ? "Press Esc again to leave the installer." : "Press Esc again to quit the installer; nothing has been written to any disk.");
            }
            return true;
        }
        escPressed = false;
        if (key == Key.F10)
        {
            Next();
            return true;
        }
        if (key == Key.F2)
        {
            Back();
            return true;
        }
        return false;
    }

    public void Show(int index)
    {
        if (index < 0 || index >= screens.Count)
        {
            return;
        }
        Index = index;
        WizardScreen screen = screens[index];
        string dash = context.Ascii ? "-" : "\u2014";
        string dry = context.Session.DryRun ? "  (dry run: no disk is written)" : "";
        title.Text = $"Keel installer {dash} {index + 1}/{screens.Count} {screen.Title}{dry}";
        keys.Text = $"{screen.Keys}{(screen.CanGoBack && index > 0 ? "  F2 back" : "")}  F10 next  Esc quit";
        body.RemoveAll();
        body.Add(screen.View);
        ShowStatus("");
        screen.Enter();
        FocusFirstField();
        SetNeedsDraw();
    }

    /// <summary>Gives the keys to the screen's first field, so typing right after F10 goes where docs/installer.md says.</summary>
    public void FocusFirstField()
    {
        if (Index >= 0)
        {
            View view = Current.View;
            (view.SubViews.FirstOrDefault(v => v.CanFocus && v.Enabled && v.Visible) ?? view).SetFocus();
        }
    }

    private void Next()
    {
        if (context.Work.Busy)
        {
            ShowStatus("Waiting for the installer service...");
            return;
        }
        int from = Index;
        ShowStatus("");
        Current.Commit(ok =>
        {
            // The answer may come after the user went elsewhere; only move on from the screen that was committed.
            if (ok && Index == from && from + 1 < screens.Count)
            {
                Show(from + 1);
            }
        });
    }

    private void Back()
    {
        if (Index > 0 && Current.CanGoBack)
        {
            Show(Index - 1);
        }
    }

    private void ShowStatus(string message) => status.Text = message;
}
