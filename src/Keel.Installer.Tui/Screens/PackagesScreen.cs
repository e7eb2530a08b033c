using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>
/// The preset (with description and installed size) and the package selection: search, add, remove, the total, and why a
/// package is selected. Tab order: preset list, search, found list, selected list, Add, Remove, Why?.
/// </summary>
internal sealed class PackagesScreen : WizardScreen
{
    private readonly ListView presets;
    private readonly TextField search;
    private readonly ListView found;
    private readonly ListView selected;
    private readonly Label total;
    private readonly Label why;
    private readonly List<string> add;
    private readonly List<string> remove;
    private IReadOnlyList<PresetSummary> presetList = [];
    private IReadOnlyList<PackageEntry> foundList = [];
    private IReadOnlyList<PackageEntry> selectedList = [];
    private string preset;
    private int query;
    private readonly OrderedUpdates updates;

    public PackagesScreen(WizardContext context)
        : base(context)
    {
        updates = new OrderedUpdates(context.Work);
        preset = context.Session.Packages.Preset;
        add = [.. context.Session.Packages.Add];
        remove = [.. context.Session.Packages.Remove];
        presets = Widgets.List(0, 1, -1, 3);
        search = Widgets.Field(8, 4, 28);
        found = Widgets.List(0, 6, 38, 6);
        selected = Widgets.List(40, 6, -1, 6);
        total = Widgets.Message(0, 13);
        why = Widgets.Message(0, 14, 3);
        View.Add(
            Widgets.Label(0, 0, "Preset (Up/Down):"), presets,
            Widgets.Label(0, 4, "Search:"), search, Widgets.Label(38, 4, "(name or summary)"),
            Widgets.Label(0, 5, "Found (Add adds)"), Widgets.Label(40, 5, "Selected (* asked for by name)"),
            found, selected,
            Widgets.Button(0, 12, "Add", Add), Widgets.Button(8, 12, "Remove", Remove), Widgets.Button(19, 12, "Why?", Why),
            total, why);
        presets.ValueChanged += (_, _) =>
        {
            if (presets.Selected() is var i and >= 0 && i < presetList.Count && presetList[i].Name != preset)
            {
                preset = presetList[i].Name;
                Resolve(_ => { });
            }
        };
        search.TextChanged += (_, _) => Search();
    }

    public override string Title => "Preset and packages";

    public override string Keys => "Tab field  Up/Down choose  Enter button";

    protected override void Load() => Context.Work.Run(Context.Api.GetPresetsAsync, list =>
    {
        presetList = list;
        int index = list.ToList().FindIndex(p => p.Name == preset);
        presets.SetItems(list.Select(p => $"{p.Title,-22} {Format.Bytes(p.InstalledBytes),9}, {p.PackageCount,3} pkgs  {p.Description}"), Math.Max(0, index));
        if (index < 0 && list.Count > 0)
        {
            preset = list[0].Name;
        }
        Resolve(_ => { });
    });

    private void Search()
    {
        int mine = ++query;
        string text = search.Text ?? "";
        if (text.Length == 0)
        {
            foundList = [];
            found.SetItems([]);
            return;
        }
        Context.Work.Run(ct => Context.Api.SearchPackagesAsync(text, ct), list =>
        {
            if (mine != query)
            {
                return;
            }
            foundList = list;
            found.SetItems(list.Select(p => $"{(p.Selected ? "+" : " ")}{p.Name}  {Format.Bytes(p.InstalledBytes)}"));
        });
    }

    /// <summary>Sends preset, additions and removals; shows the resolved selection and its total; true to <paramref name="done"/> when it resolved.</summary>
    private void Resolve(Action<bool> done)
    {
        var settings = new PackageSettings(preset, [.. add], [.. remove]);
        updates.Run(ct => Context.Api.UpdatePackagesAsync(settings, ct), view =>
        {
            int keep = selected.Selected();
            selectedList = view.Packages;
            selected.SetItems(view.Packages.Select(p => $"{(p.Requested ? "*" : " ")}{p.Name}  {Format.Bytes(p.InstalledBytes)}"), keep);
            total.Say($"Installed size: {Format.Bytes(view.InstalledBytes)} in {view.Packages.Count} packages");
            why.Say(Format.Errors(view.Errors, _ => true));
        }, view => done(view is { Errors.Count: 0 }));
    }

    private void Add()
    {
        if (found.Selected() is var i and >= 0 && i < foundList.Count)
        {
            string name = foundList[i].Name;
            remove.Remove(name);
            if (!add.Contains(name))
            {
                add.Add(name);
            }
            why.Say($"Adding {name}...");
            Resolve(_ => { });
        }
    }

    private void Remove()
    {
        if (selected.Selected() is var i and >= 0 && i < selectedList.Count)
        {
            string name = selectedList[i].Name;
            if (!add.Remove(name) && !remove.Contains(name))
            {
                remove.Add(name);
            }
            why.Say($"Removing {name}...");
            Resolve(_ => { });
        }
    }

    private void Why()
    {
        if (selected.Selected() is var i and >= 0 && i < selectedList.Count)
        {
            string name = selectedList[i].Name;
            Context.Work.Run(ct => Context.Api.WhyAsync(name, ct), answer =>
                why.Say($"Why {answer.Name}? " + (answer.Chain.Count == 0 ? "not selected" : string.Join(" -> ", answer.Chain))));
        }
    }

    public override void Commit(Action<bool> done) => Resolve(done);
}
