using Keel.Installer.Api;
using Keel.Installer.Tui.Wizard;
using Terminal.Gui.Views;

namespace Keel.Installer.Tui.Screens;

/// <summary>Network interfaces with the addresses they have, and the host name (checked by the service). Tab order: host name.</summary>
internal sealed class NetworkScreen : WizardScreen
{
    private readonly Label interfaces;
    private readonly TextField hostname;
    private readonly Label error;

    public NetworkScreen(WizardContext context)
        : base(context)
    {
        interfaces = Widgets.Message(0, 1, 10);
        hostname = Widgets.Field(11, 12, 40, context.Session.Network.Hostname ?? "");
        error = Widgets.Message(11, 13, 2);
        View.Add(Widgets.Label(0, 0, "Interfaces (addresses from DHCP):"), interfaces, Widgets.Label(0, 12, "Host name:"), hostname, error);
    }

    public override string Title => "Network and host name";

    public override string Keys => "Type the host name";

    protected override void Load() => Context.WithMachine(machine =>
    {
        interfaces.Say(machine.Interfaces.Count == 0
            ? "  No network interface found; the install uses the medium."
            : string.Join("\n", machine.Interfaces.Select(Line)));
        if (string.IsNullOrEmpty(hostname.Text) && machine.Hostname is { Length: > 0 } name)
        {
            // A suggestion, not a choice: selected, so the first key typed replaces it. Over a serial console Home/End
            // often do not arrive (vt102 has no such keys), so "move to the end and erase" is not something to rely on.
            hostname.Text = name;
            hostname.SelectAll();
        }
    });

    private static string Line(InterfaceFacts i) =>
        $"  {i.Name,-10} {(i.Up ? "up  " : "down")} {i.Mac ?? "",-17}  {(i.Addresses.Count == 0 ? "no address" : string.Join(", ", i.Addresses))}";

    public override void Commit(Action<bool> done)
    {
        string name = hostname.Text ?? "";
        Context.Work.Run(ct => Context.Api.UpdateNetworkAsync(new NetworkSettings(name.Length == 0 ? null : name), ct), result =>
        {
            error.Say(Format.Errors(result.Errors, _ => true));
            done(result.Ok);
        });
    }
}
