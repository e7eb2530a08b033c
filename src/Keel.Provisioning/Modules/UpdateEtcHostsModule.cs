using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Keel.Errors;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's update_etc_hosts: manage_etc_hosts true renders /etc/hosts from the root's
/// /etc/cloud/templates/hosts.{redhat,debian}.tmpl (or a built-in Red Hat style template); "localhost" only makes sure the
/// localhost address line names the host (127.0.1.1 on Debian-family systems, 127.0.0.1 otherwise).
/// </summary>
public sealed partial class UpdateEtcHostsModule() : CloudConfigModule("update_etc_hosts", Frequency.Always, Stage.Init)
{
    private const string BuiltInTemplate =
        "# Your system has configured 'manage_etc_hosts' as True.\n" +
        "# As a result, if you wish for changes to this file to persist\n" +
        "# then you will need to either\n" +
        "# a.) make changes to the master file in /etc/cloud/templates/hosts.redhat.tmpl\n" +
        "# b.) change or remove the value of 'manage_etc_hosts' in\n" +
        "#     /etc/cloud/cloud.cfg or cloud-config from user-data\n" +
        "#\n" +
        "# The following lines are desirable for IPv4 capable hosts\n" +
        "127.0.0.1 {{fqdn}} {{hostname}}\n" +
        "127.0.0.1 localhost.localdomain localhost\n" +
        "127.0.0.1 localhost4.localdomain4 localhost4\n" +
        "\n" +
        "# The following lines are desirable for IPv6 capable hosts\n" +
        "::1 {{fqdn}} {{hostname}}\n" +
        "::1 localhost6.localdomain6 localhost6\n";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var manage = ConfigValues.Text(context.Config, "manage_etc_hosts", Name)?.Trim().ToLowerInvariant();
        var isTemplate = manage is "true" or "yes" or "on" or "1" or "template";
        if (!isTemplate && manage != "localhost")
        {
            return ModuleOutcome.NothingToDo;
        }

        if (HostnameResolver.Resolve(context) is not { } names)
        {
            context.Warnings.Add(new(Severity.Warning, Name, "manage_etc_hosts is set but no hostname was found"));
            return ModuleOutcome.NothingToDo;
        }

        var family = OsFamily(context);
        if (isTemplate)
        {
            var template = context.Root.ReadAllTextOrNull($"/etc/cloud/templates/hosts.{family}.tmpl") ?? BuiltInTemplate;
            context.Root.WriteText("/etc/hosts", Render(template, names.Hostname, names.Fqdn), (UnixFileMode)0x1a4);
        }
        else
        {
            UpdateLocalhost(context, family == "debian" ? "127.0.1.1" : "127.0.0.1", names.Hostname, names.Fqdn);
        }

        return ModuleOutcome.Done;
    }

    private static string OsFamily(ModuleContext context)
    {
        var distro = (context.Config["system_info"] as Config.CloudMap)?.GetString("distro")?.ToLowerInvariant();
        return distro is "debian" or "ubuntu" ? "debian" : "redhat";
    }

    /// <summary>Renders the subset of Jinja cloud-init's hosts templates use: a header line, comments, {{hostname}}, {{fqdn}}.</summary>
    internal static string Render(string template, string hostname, string fqdn)
    {
        var text = template;
        if (text.StartsWith("## template:", StringComparison.OrdinalIgnoreCase))
        {
            var nl = text.IndexOf('\n', StringComparison.Ordinal);
            text = nl < 0 ? "" : text[(nl + 1)..];
        }

        text = CommentTrim().Replace(text, "");
        text = Comment().Replace(text, "");
        text = Variable().Replace(text, m => m.Groups[1].Value == "fqdn" ? fqdn : hostname);
        return text;
    }

    // cloud-init's distro.update_etc_hosts over its HostsConf parser: every address line is rewritten with its fields
    // joined by tabs (a trailing comment kept), comments and blank lines kept; when no line for the address names the
    // fqdn followed by the host name, all its lines are dropped and "IP<tab>FQDN<tab>HOST" is appended at the end.
    private static void UpdateLocalhost(ModuleContext context, string ip, string hostname, string fqdn)
    {
        var existing = context.Root.ReadAllTextOrNull("/etc/hosts");
        var entries = new List<(string[]? Fields, string Text)>();
        foreach (var line in (existing ?? "").Split('\n').SkipLast(existing is null || existing.EndsWith('\n') ? 1 : 0))
        {
            var trimmed = line.Trim();
            var hash = trimmed.IndexOf('#', StringComparison.Ordinal);
            var head = hash < 0 ? trimmed : trimmed[..hash];
            var tail = hash < 0 ? "" : trimmed[hash..];
            var fields = head.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            entries.Add(trimmed.Length == 0 || fields.Length == 0 ? (null, line) : (fields, tail));
        }

        var current = entries.Where(e => e.Fields is { } f && f[0] == ip).Select(e => e.Fields!).ToList();
        if (current.Any(f => f.Length >= 2 && f[1] == fqdn && f.Skip(2).Contains(hostname, StringComparer.Ordinal)))
        {
            return;
        }

        entries.RemoveAll(e => e.Fields is { } f && f[0] == ip);
        entries.Add(([ip, fqdn, hostname], ""));
        var sb = new StringBuilder();
        if (existing is null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"# Added by keel-agent on {context.Options.Now:ddd, dd MMM yyyy HH:mm:ss +0000}\n");
        }

        foreach (var (fields, text) in entries)
        {
            sb.Append(fields is null ? text : string.Join('\t', fields) + text).Append('\n');
        }

        // cloud-init writes the rendered entries followed by one more newline.
        sb.Append('\n');
        context.Root.WriteText("/etc/hosts", sb.ToString(), (UnixFileMode)0x1a4);
    }

    [GeneratedRegex(@"\{#.*?-#\}\r?\n?", RegexOptions.Singleline)]
    private static partial Regex CommentTrim();

    [GeneratedRegex(@"\{#.*?#\}", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\{\{\s*(hostname|fqdn)\s*\}\}")]
    private static partial Regex Variable();
}
