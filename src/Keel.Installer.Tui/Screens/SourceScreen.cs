using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>Where packages come from: the medium, the online repository or a mirror URL, with a reachability and signature check. Tab order: kind list, URL, Check.</summary>
internal sealed class SourceScreen : WizardScreen
{
    private static readonly SourceKind[] Kinds = [SourceKind.Medium, SourceKind.Online, SourceKind.Mirror];
    private readonly ListView kind;
    private readonly TextField url;
    private readonly Label urlError;
    private readonly Label check;

    public SourceScreen(WizardContext context)
        : base(context)
    {
        kind = Widgets.List(2, 1, 60, 3);
        kind.SetItems(["The installation medium (no network needed)", "The online repository", "A mirror (give its URL)"], Array.IndexOf(Kinds, context.Session.Source.Kind));
        url = Widgets.Field(13, 5, 60, context.Session.Source.Url ?? "");
        urlError = Widgets.Message(13, 6, 2);
        Button checkButton = Widgets.Button(0, 9, "Check", Check);
        check = Widgets.Message(10, 9, 3);
        View.Add(Widgets.Label(0, 0, "Install packages from (Up/Down):"), kind, Widgets.Label(0, 5, "Mirror URL:"), url, urlError, checkButton, check);
    }

    public override string Title => "Installation source";

    public override string Keys => "Up/Down choose  Tab field  Enter Check";

    private SourceSettings Settings
    {
        get
        {
            SourceKind k = Kinds[Math.Max(0, kind.Selected())];
            return new SourceSettings(k, k == SourceKind.Mirror ? url.Text : null);
        }
    }

    private void Check()
    {
        SourceSettings settings = Settings;
        check.Text = "Checking...";
        Context.Work.Run(ct => Context.Api.CheckSourceAsync(settings, ct), result =>
            check.Text = $"{(result.Reachable ? "reachable" : "NOT reachable")}, {(result.Signed ? "signed by a trusted key" : "NOT signed by a trusted key")}\n{result.Message}");
    }

    public override void Commit(Action<bool> done)
    {
        SourceSettings settings = Settings;
        Context.Work.Run(ct => Context.Api.UpdateSourceAsync(settings, ct), result =>
        {
            urlError.Text = Format.Errors(result.Errors, _ => true);
            done(result.Ok);
        });
    }
}
