using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>The install's steps, an overall bar and the log, fed by long-polling the service's events. No keys until it ends.</summary>
internal sealed class ProgressScreen : WizardScreen
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly ListView steps;
    private readonly ProgressBar bar;
    private readonly TextView log;
    private readonly Label state;
    private readonly Dictionary<string, char> marks = [];
    private IReadOnlyList<PlannedStep> stepList = [];
    private long after;
    private SessionPhase phase = SessionPhase.Installing;

    public ProgressScreen(WizardContext context)
        : base(context)
    {
        steps = Widgets.List(0, 0, -1, 6);
        bar = new ProgressBar { X = 0, Y = 7, Width = Terminal.Gui.ViewBase.Dim.Fill(), Height = 1, Fraction = 0 };
        state = Widgets.Message(0, 8);
        log = Widgets.Text(0, 9, -1, 8, readOnly: true);
        View.Add(steps, bar, state, log);
    }

    public override string Title => "Installing";

    public override string Keys => "Up/Down scroll";

    public override bool CanGoBack => false;

    protected override void Load()
    {
        stepList = Context.Started?.Steps ?? [];
        ShowSteps();
        state.Text = "Installing...";
        Poll();
    }

    /// <summary>The step list with its marks, scrolled to the last step that started (the list is shorter than most plans).</summary>
    private void ShowSteps()
    {
        int current = stepList.ToList().FindLastIndex(s => marks.ContainsKey(s.Id));
        steps.SetItems(stepList.Select(s => $"[{(marks.TryGetValue(s.Id, out char m) ? m : ' ')}] {s.Title}"), Math.Max(0, current));
    }

    private void Poll() => Context.Work.Run(ct => Context.Api.GetEventsAsync(after, Wait, ct), page =>
    {
        after = page.Next;
        foreach (InstallEvent e in page.Events)
        {
            Apply(e);
        }
        phase = page.Phase;
        if (phase == SessionPhase.Installing)
        {
            Poll();
            return;
        }
        state.Text = phase == SessionPhase.Finished ? "Installed. F10 goes on." : "The install FAILED; F10 shows what was kept.";
        if (phase == SessionPhase.Finished)
        {
            bar.Fraction = 1;
        }
        ShowSteps();
    });

    private void Apply(InstallEvent e)
    {
        if (e.Step is { } step)
        {
            char? mark = e.Kind switch
            {
                InstallEventKind.StepStarted => '>',
                InstallEventKind.StepFinished => 'x',
                InstallEventKind.Failed => '!',
                _ => null,
            };
            if (mark is { } m)
            {
                marks[step] = m;
                ShowSteps();
            }
        }
        if (e.Fraction is { } fraction)
        {
            bar.Fraction = (float)Math.Clamp(fraction, 0, 1);
        }
        log.Text = (log.Text ?? "") + (string.IsNullOrEmpty(log.Text) ? "" : "\n") + e.Message;
        log.MoveEnd();
    }

    public override void Commit(Action<bool> done)
    {
        if (phase == SessionPhase.Installing)
        {
            Context.Status("The install is still running.");
        }
        done(phase != SessionPhase.Installing);
    }
}
