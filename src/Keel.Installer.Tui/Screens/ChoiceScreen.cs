using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>
/// A searchable list of the service's choices (locales, keyboards, time zones): typing in the search field filters,
/// the highlighted row is the choice. Tab order: search, list.
/// </summary>
internal class ChoiceScreen : WizardScreen
{
    private readonly ChoiceKind kind;
    private readonly Func<RegionalSettings, string> get;
    private readonly Func<RegionalSettings, string, RegionalSettings> set;
    private readonly TextField search;
    private readonly ListView list;
    private readonly Label chosen;
    private readonly Label error;
    private IReadOnlyList<Choice> items = [];
    private int query;

    public ChoiceScreen(WizardContext context, ChoiceKind kind, string title, Func<RegionalSettings, string> get, Func<RegionalSettings, string, RegionalSettings> set)
        : base(context)
    {
        this.kind = kind;
        this.get = get;
        this.set = set;
        Title = title;
        search = Widgets.Field(9, 0, 30);
        list = Widgets.List(0, 2, -1, ListHeight);
        chosen = Widgets.Message(0, ListHeight + 3);
        error = Widgets.Message(0, ListHeight + 4, 2);
        View.Add(Widgets.Label(0, 0, "Search:"), Widgets.Label(41, 0, "(type to filter; Up/Down choose)"), search, list, chosen, error);
        search.TextChanged += (_, _) => Fetch();
        list.ValueChanged += (_, _) => ShowChosen();
    }

    public override string Title { get; }

    public override string Keys => "Tab field  Up/Down choose";

    /// <summary>Rows of the list; the keyboard screen takes some for its own fields.</summary>
    protected virtual int ListHeight => 12;

    /// <summary>The value highlighted now, or the session's value before the list arrived.</summary>
    protected string Value => list.Selected() is var i and >= 0 && i < items.Count ? items[i].Value : get(Context.Regional);

    protected override void Load() => Fetch();

    private void Fetch()
    {
        int mine = ++query;
        string text = search.Text ?? "";
        string current = Value;
        Context.Work.Run(ct => Context.Api.GetChoicesAsync(kind, text.Length == 0 ? null : text, ct), answer =>
        {
            if (mine != query)
            {
                return;
            }
            items = answer.Items;
            int index = items.ToList().FindIndex(c => c.Value == current);
            list.SetItems(items.Select(c => c.Label.StartsWith(c.Value, StringComparison.Ordinal) ? c.Label : $"{c.Value}  {c.Label}"), index < 0 ? 0 : index);
            ShowChosen();
        });
    }

    private void ShowChosen() =>
        chosen.Text = items.Count == 0 ? "Nothing matches; change the search." : $"Chosen: {Value}";

    public override void Commit(Action<bool> done)
    {
        RegionalSettings settings = set(Context.Regional, Value);
        Context.Work.Run(ct => Context.Api.UpdateRegionalAsync(settings, ct), result =>
        {
            error.Text = Format.Errors(result.Errors, _ => true);
            if (result.Ok)
            {
                Context.Regional = settings;
            }
            done(result.Ok);
        });
    }
}
