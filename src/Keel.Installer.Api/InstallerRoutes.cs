namespace Keel.Installer.Api;

/// <summary>The installer API's paths, shared by the service and its clients so the two never disagree (docs/installer-api.md).</summary>
public static class InstallerRoutes
{
    /// <summary>The socket the live medium's installer service listens on (root only, mode 0600).</summary>
    public const string DefaultSocket = "/run/keel/installer.sock";

    public const string Session = "/v1/session";
    public const string Machine = "/v1/machine";

    /// <summary>GET /v1/choices/{kind}?q=TEXT with kind locales, keyboards or timezones.</summary>
    public const string Choices = "/v1/choices/{kind}";
    public const string Regional = "/v1/config/regional";
    public const string KeyboardApply = "/v1/keyboard/apply";
    public const string Network = "/v1/config/network";
    public const string SourceCheck = "/v1/source/check";
    public const string Source = "/v1/config/source";
    public const string Presets = "/v1/presets";
    public const string Packages = "/v1/config/packages";

    /// <summary>GET /v1/packages?q=TEXT: packages of the chosen source whose name or summary matches.</summary>
    public const string PackageSearch = "/v1/packages";

    /// <summary>GET /v1/packages/{name}/why: the solver's reason chain for one package of the selection.</summary>
    public const string PackageWhy = "/v1/packages/{name}/why";
    public const string Storage = "/v1/config/storage";
    public const string UsbKeys = "/v1/usb-keys";
    public const string Users = "/v1/config/users";
    public const string Review = "/v1/review";
    public const string Config = "/v1/config";
    public const string SaveConfig = "/v1/config/save";
    public const string Install = "/v1/install";

    /// <summary>GET /v1/events?after=N&amp;wait=SECONDS: events after N, waiting up to SECONDS for the first one (long poll).</summary>
    public const string Events = "/v1/events";
    public const string Finish = "/v1/finish";
    public const string Power = "/v1/power";
}
