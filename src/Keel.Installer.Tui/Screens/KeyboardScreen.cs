using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>The keyboard layout: the searchable list, Apply (loads it on the console at once) and a field to try it. Tab order: search, list, Apply, try-it.</summary>
internal sealed class KeyboardScreen : ChoiceScreen
{
    private readonly Label applied;

    public KeyboardScreen(WizardContext context)
        : base(context, ChoiceKind.Keyboards, "Keyboard layout", r => r.Keyboard, (r, v) => r with { Keyboard = v })
    {
        int y = ListHeight + 6;
        Button apply = Widgets.Button(0, y, "Apply", Apply);
        applied = Widgets.Message(10, y);
        View.Add(apply, applied, Widgets.Label(0, y + 1, "Try it:"), Widgets.Field(9, y + 1, 40));
    }

    protected override int ListHeight => 9;

    public override string Keys => "Tab field  Up/Down choose  Enter Apply";

    private void Apply()
    {
        string layout = Value;
        Context.Work.Run(ct => Context.Api.ApplyKeyboardAsync(layout, ct), result => applied.Text = result.Message);
    }
}
