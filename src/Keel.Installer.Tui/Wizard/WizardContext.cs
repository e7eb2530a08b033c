using Keel.Installer.Api;

namespace Keel.Installer.Tui.Wizard;

/// <summary>What every screen shares: the API, the work runner, the session as it was at start, and the wizard's navigation.</summary>
internal sealed class WizardContext(IInstallerApi api, UiWork work, SessionState session, bool ascii)
{
    public IInstallerApi Api { get; } = api;

    public UiWork Work { get; } = work;

    /// <summary>The session when the UI connected: the service's defaults and anything chosen before (a reconnect).</summary>
    public SessionState Session { get; } = session;

    public bool Ascii { get; } = ascii;

    /// <summary>Locale, keyboard and time zone as screens 1-3 have them now; sent together since the service keeps them as one section.</summary>
    public RegionalSettings Regional { get; set; } = session.Regional;

    /// <summary>The machine's facts, fetched once on first use (the disks and interfaces do not change under the installer).</summary>
    public MachineFacts? Machine { get; set; }

    /// <summary>The last review, whose fingerprint the install request carries.</summary>
    public ReviewView? Review { get; set; }

    /// <summary>The install's steps once it started.</summary>
    public InstallStarted? Started { get; set; }

    /// <summary>Set by the window: shows a one-line message on the status line.</summary>
    public Action<string> Status { get; set; } = _ => { };

    /// <summary>Set by the window: shows the screen with this 0-based index.</summary>
    public Action<int> GoTo { get; set; } = _ => { };

    /// <summary>Set by the window: ends the UI with an exit code.</summary>
    public Action<int> Exit { get; set; } = _ => { };

    /// <summary>Calls <paramref name="done"/> with the machine's facts, fetching them the first time.</summary>
    public void WithMachine(Action<MachineFacts> done)
    {
        if (Machine is { } known)
        {
            done(known);
            return;
        }
        Work.Run(Api.GetMachineAsync, facts =>
        {
            Machine = facts;
            done(facts);
        });
    }
}
