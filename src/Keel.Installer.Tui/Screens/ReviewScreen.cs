using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>
/// The engine's plan: what blocks (Enter on one jumps to its screen), every destructive operation with the disk's by-id
/// name, model and size, the plan and config YAML, saving the config to a USB drive, and Install (asked twice, naming the
/// disk). Tab order: blockers, plan/config text, drive list, Save, Install.
/// </summary>
internal sealed class ReviewScreen : WizardScreen
{
    private readonly Label blockersTitle;
    private readonly ListView blockers;
    private readonly Label operations;
    private readonly TextView text;
    private readonly ListView volumes;
    private readonly Label saved;
    private readonly Label confirm;
    private IReadOnlyList<VolumeFacts> volumeList = [];
    private bool confirming;

    public ReviewScreen(WizardContext context)
        : base(context)
    {
        blockersTitle = Widgets.Message(0, 0);
        blockers = Widgets.List(0, 1, -1, 2);
        operations = Widgets.Message(0, 4, 2);
        text = Widgets.Text(0, 7, -1, 6, readOnly: true);
        volumes = Widgets.List(16, 13, 40, 1);
        saved = Widgets.Message(0, 14);
        confirm = Widgets.Message(12, 15, 2);
        View.Add(
            blockersTitle, blockers, Widgets.Label(0, 3, "Will erase:"), operations,
            Widgets.Label(0, 6, "Plan and config (scroll with Up/Down/PageDown):"), text,
            Widgets.Label(0, 13, "Save config to:"), volumes, Widgets.Button(58, 13, "Save", Save), saved,
            Widgets.Button(0, 15, "Install", () => Install(_ => { })), confirm);
        blockers.Accepting += (_, _) =>
        {
            if (Context.Review is { } review && blockers.Selected() is var i and >= 0 && i < review.Blockers.Count)
            {
                Context.GoTo(WizardScreens.ForField(review.Blockers[i].Field));
            }
        };
    }

    public override string Title => "Review";

    public override string Keys => "Tab field  Enter button/jump";

    protected override void Load() => Context.WithMachine(machine =>
    {
        volumeList = machine.Removable;
        volumes.SetItems(volumeList.Count == 0
            ? ["(no removable drive)"]
            : volumeList.Select(v => $"{v.Device} {v.Label ?? ""} {v.FsType ?? "?"} {Format.Bytes(v.SizeBytes)}{(v.Writable ? "" : " read-only")}"));
    });

    protected override void Shown()
    {
        confirming = false;
        confirm.Text = "";
        blockersTitle.Text = "Reviewing...";
        Context.Work.Run(Context.Api.ReviewAsync, review =>
        {
            Context.Review = review;
            blockersTitle.Text = review.Ready ? "Ready to install; nothing blocks." : $"{review.Blockers.Count} thing(s) block the install (Enter on one goes to its screen):";
            blockers.SetItems(review.Blockers.Select(b => $"{b.Field}: {Format.Error(b)}"));
            operations.Text = review.Operations.Count == 0
                ? "nothing"
                : string.Join("\n", review.Operations.Select(o => $"{o.ById ?? o.Device}\n  ({o.Model ?? "?"}, {Format.Bytes(o.SizeBytes)}) {o.Description}; erases {o.Erases}"));
            text.Text = review.PlanText.TrimEnd() + "\n\n--- config (keel/v1) ---\n" + review.ConfigYaml;
        });
    }

    private void Save()
    {
        if (volumes.Selected() is not (var i and >= 0) || i >= volumeList.Count)
        {
            saved.Text = "No removable drive to save to.";
            return;
        }
        string device = volumeList[i].Device;
        Context.Work.Run(ct => Context.Api.SaveConfigAsync(new SaveRequest(device), ct), result => saved.Text = $"{result.Message} ({result.Path})");
    }

    private void Install(Action<bool> done)
    {
        if (Context.Review is not { } review)
        {
            done(false);
            return;
        }
        if (!review.Ready || review.Fingerprint is null)
        {
            Context.Status("The install is blocked; fix the lines under Blockers first.");
            done(false);
            return;
        }
        if (!confirming)
        {
            confirming = true;
            DestructiveOperation? first = review.Operations.Count > 0 ? review.Operations[0] : null;
            confirm.Text = first is null
                ? "Nothing is erased.\nPress Install (or F10) again to install; F2 goes back."
                : $"ERASE {first.ById ?? first.Device}\n({first.Model ?? "?"}, {Format.Bytes(first.SizeBytes)}): Install (or F10) again confirms; F2 goes back.";
            done(false);
            return;
        }
        string fingerprint = review.Fingerprint;
        Context.Work.Run(ct => Context.Api.StartInstallAsync(new InstallRequest(fingerprint), ct), started =>
        {
            Context.Started = started;
            done(true);
        });
    }

    public override void Commit(Action<bool> done) => Install(ok =>
    {
        if (ok)
        {
            done(true);
        }
    });
}
