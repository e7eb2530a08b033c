using System.Collections.ObjectModel;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Wizard;

/// <summary>The few widget shapes the screens use, made the same way everywhere (no shadows: a serial console draws them as noise).</summary>
internal static class Widgets
{
    // Terminal.Gui takes '_' in a label as the hot-key marker and hides it; names like en_US and bad_name must show as typed.
    private static readonly System.Text.Rune NoHotKey = new(0xFFFF);

    public static Label Label(int x, int y, string text, int? width = null, int height = 1) =>
        new() { X = x, Y = y, HotKeySpecifier = NoHotKey, Text = text, Width = width is { } w ? Dim.Absolute(w) : Dim.Auto(), Height = height };

    /// <summary>A label that fills the rest of its line (or <paramref name="height"/> lines), for messages that change.</summary>
    public static Label Message(int x, int y, int height = 1) =>
        new() { X = x, Y = y, HotKeySpecifier = NoHotKey, Text = "", Width = Dim.Fill(), Height = height };

    public static TextField Field(int x, int y, int width, string text = "", bool secret = false) =>
        new() { X = x, Y = y, Width = width, Text = text, Secret = secret };

    public static Button Button(int x, int y, string text, Action pressed)
    {
        var button = new Button { X = x, Y = y, HotKeySpecifier = NoHotKey, Text = text, ShadowStyle = ShadowStyles.None };
        button.Accepting += (_, e) =>
        {
            e.Handled = true;
            pressed();
        };
        return button;
    }

    public static CheckBox Check(int x, int y, string text, bool value) =>
        new() { X = x, Y = y, HotKeySpecifier = NoHotKey, Text = text, Value = value ? CheckState.Checked : CheckState.UnChecked };

    public static bool IsChecked(this CheckBox box) => box.Value == CheckState.Checked;

    /// <summary>A list whose highlighted row is the choice: arrow keys choose, no Enter needed (deterministic for typed input).</summary>
    public static ListView List(int x, int y, int width, int height)
    {
        var list = new ListView { X = x, Y = y, Width = width < 0 ? Dim.Fill() : Dim.Absolute(width), Height = height };
        list.SetSource(new ObservableCollection<string>());
        // Enter on a list means nothing by itself; keep it from bubbling up as an accept of the whole window.
        list.Accepting += (_, e) => e.Handled = true;
        return list;
    }

    public static void SetItems(this ListView list, IEnumerable<string> items, int? selected = null)
    {
        var source = new ObservableCollection<string>(items);
        list.SetSource(source);
        if (source.Count > 0)
        {
            list.SelectedItem = Math.Clamp(selected ?? 0, 0, source.Count - 1);
            list.EnsureSelectedItemVisible();
        }
    }

    public static int Selected(this ListView list) => list.SelectedItem ?? -1;

    public static TextView Text(int x, int y, int width, int height, bool readOnly)
    {
        var view = new TextView
        {
            X = x,
            Y = y,
            Width = width < 0 ? Dim.Fill() : Dim.Absolute(width),
            Height = height,
            ReadOnly = readOnly,
            WordWrap = false,
            TabKeyAddsTab = false,
        };
        return view;
    }
}
