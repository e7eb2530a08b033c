using Terminal.Gui.ViewBase;

namespace Keel.Installer.Tui.Wizard;

/// <summary>
/// One screen of the wizard. Its view is built once and kept, so going back finds every value as it was left; the
/// service validates on <see cref="Commit"/> and the screen shows the errors beside their fields.
/// </summary>
internal abstract class WizardScreen
{
    protected WizardScreen(WizardContext context)
    {
        Context = context;
        View = new View { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
    }

    /// <summary>The title after "N/11".</summary>
    public abstract string Title { get; }

    /// <summary>The screen's own keys for the bottom line, before the wizard's.</summary>
    public virtual string Keys => "Tab next field";

    /// <summary>Whether F2/Back may leave this screen (not once an install started).</summary>
    public virtual bool CanGoBack => true;

    public View View { get; }

    protected WizardContext Context { get; }

    private bool loaded;

    /// <summary>Called each time the screen is shown; the first time it loads its lists from the service.</summary>
    public void Enter()
    {
        if (!loaded)
        {
            loaded = true;
            Load();
        }
        Shown();
    }

    /// <summary>First showing: fetch what the screen lists (asynchronously; the screen is drawn at once).</summary>
    protected virtual void Load()
    {
    }

    /// <summary>Every showing: refresh what depends on other screens.</summary>
    protected virtual void Shown()
    {
    }

    /// <summary>Sends the screen's values to the service and calls <paramref name="done"/> with true when they are valid.</summary>
    public virtual void Commit(Action<bool> done) => done(true);
}
