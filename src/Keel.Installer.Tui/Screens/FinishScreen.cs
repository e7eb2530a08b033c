using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>The new machine's SSH host key fingerprints, where the config and log were saved, and Reboot / Power off / Exit. Tab order: Reboot, Power off, Exit.</summary>
internal sealed class FinishScreen : WizardScreen
{
    private readonly Label summary;
    private readonly Label message;
    private bool succeeded;

    public FinishScreen(WizardContext context)
        : base(context)
    {
        summary = Widgets.Message(0, 0, 12);
        message = Widgets.Message(0, 14, 2);
        View.Add(summary,
            Widgets.Button(0, 13, "Reboot", () => Power(PowerAction.Reboot)),
            Widgets.Button(11, 13, "Power off", () => Power(PowerAction.Poweroff)),
            Widgets.Button(25, 13, "Exit", () => Context.Exit(succeeded ? 0 : 1)),
            message);
    }

    public override string Title => "Finished";

    public override string Keys => "Tab button  Enter press";

    public override bool CanGoBack => false;

    protected override void Load() => Context.Work.Run(Context.Api.GetFinishAsync, info =>
    {
        succeeded = info.Succeeded;
        var lines = new List<string> { info.Message, "" };
        lines.Add(info.HostKeys.Count == 0 ? "No SSH host keys." : "SSH host keys of the new machine (compare at first login):");
        lines.AddRange(info.HostKeys.Select(k => "  " + k));
        lines.Add("");
        lines.Add($"Config saved to: {info.ConfigPath ?? "(not saved)"}");
        lines.Add($"Log saved to:    {info.LogPath ?? "(not saved)"}");
        summary.Text = string.Join("\n", lines);
    });

    private void Power(PowerAction action) => Context.Work.Run(ct => Context.Api.PowerAsync(action, ct), result =>
    {
        message.Text = result.Message;
        if (result.Done)
        {
            Context.Exit(succeeded ? 0 : 1);
        }
    });

    public override void Commit(Action<bool> done)
    {
        // F10 on the last screen is Exit.
        Context.Exit(succeeded ? 0 : 1);
        done(false);
    }
}
