using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's get_hostname_fqdn: hostname and fqdn from the config's fqdn/hostname, else meta-data local-hostname.</summary>
public static class HostnameResolver
{
    /// <summary>Returns (hostname, fqdn), or null when neither the config nor the meta-data names a host.</summary>
    public static (string Hostname, string Fqdn)? Resolve(ModuleContext context)
    {
        var cfg = context.Config;
        string hostname, fqdn;
        if (ConfigValues.Text(cfg, "fqdn", "fqdn") is { Length: > 0 } f)
        {
            fqdn = f;
            hostname = ConfigValues.Text(cfg, "hostname", "hostname") ?? f.Split('.')[0];
        }
        else if (ConfigValues.Text(cfg, "hostname", "hostname") is { } h && h.IndexOf('.', StringComparison.Ordinal) > 0)
        {
            fqdn = h;
            hostname = h[..h.IndexOf('.', StringComparison.Ordinal)];
        }
        else
        {
            var local = context.Instance.LocalHostname;
            var configured = ConfigValues.Text(cfg, "hostname", "hostname");
            if (local is null && configured is null)
            {
                return null;
            }

            fqdn = local ?? configured!;
            hostname = configured ?? local!.Split('.')[0];
        }

        Check(hostname);
        Check(fqdn);
        return (hostname, fqdn);
    }

    /// <summary>What goes into /etc/hostname: the fqdn when prefer_fqdn_over_hostname is set, else the short name.</summary>
    public static string Written(ModuleContext context, (string Hostname, string Fqdn) names) =>
        context.Config.GetBool("prefer_fqdn_over_hostname", false) ? names.Fqdn : names.Hostname;

    private static void Check(string name)
    {
        if (name.Length is 0 or > 253 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
        {
            throw new InvalidDataException($"hostname '{name}' is not a valid host name");
        }
    }
}
