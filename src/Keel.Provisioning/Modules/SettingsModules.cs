using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>cloud-init's timezone: /etc/localtime becomes a relative symlink to the zone under /usr/share/zoneinfo in the root.</summary>
public sealed partial class TimezoneModule() : CloudConfigModule("timezone", Frequency.PerInstance, Stage.Config)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var tz = ConfigValues.Text(context.Config, "timezone", Name);
        if (string.IsNullOrEmpty(tz))
        {
            return ModuleOutcome.NothingToDo;
        }

        if (!ZoneName().IsMatch(tz) || tz.Split('/').Any(c => c is ".." or "."))
        {
            throw new InvalidDataException($"timezone '{tz}' is not a valid zone name");
        }

        var zoneFile = context.Root.Resolve("/usr/share/zoneinfo/" + tz);
        if (!File.Exists(zoneFile))
        {
            throw new InvalidDataException($"timezone '{tz}': no /usr/share/zoneinfo/{tz} in the target root");
        }

        context.Root.Symlink("/etc/localtime", "../usr/share/zoneinfo/" + tz);
        context.Log.WriteLine($"timezone: {tz}");
        return ModuleOutcome.Done;
    }

    [GeneratedRegex("^[A-Za-z0-9_+\\-/]+$")]
    private static partial Regex ZoneName();
}

/// <summary>cloud-init's locale on systemd distributions: sets LANG in /etc/locale.conf (or locale_configfile), other lines kept.</summary>
public sealed partial class LocaleModule() : CloudConfigModule("locale", Frequency.PerInstance, Stage.Config)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config["locale"] is null or CloudScalar { IsNull: true } or CloudScalar { Kind: ScalarKind.Boolean, Text: "false" })
        {
            return ModuleOutcome.NothingToDo;
        }

        var locale = ConfigValues.Text(context.Config, "locale", Name)!;
        if (!LocaleName().IsMatch(locale))
        {
            throw new InvalidDataException($"locale '{locale}' is not a valid locale name");
        }

        var file = ConfigPathCheck.Absolute(ConfigValues.Text(context.Config, "locale_configfile", Name) ?? "/etc/locale.conf", "locale_configfile");
        var lines = (context.Root.ReadAllTextOrNull(file) ?? "").Split('\n').Where(l => l.Length > 0).ToList();
        var at = lines.FindIndex(l => l.StartsWith("LANG=", StringComparison.Ordinal));
        var entry = "LANG=" + locale;
        if (at >= 0)
        {
            lines[at] = entry;
        }
        else
        {
            lines.Add(entry);
        }

        context.Root.WriteText(file, string.Join('\n', lines) + "\n", (UnixFileMode)0x1a4);
        return ModuleOutcome.Done;
    }

    [GeneratedRegex("^[A-Za-z0-9_.@\\-]+$")]
    private static partial Regex LocaleName();
}

/// <summary>cloud-init's final_message: prints the message (with $version, $timestamp, $datasource, $uptime) and writes boot-finished.</summary>
public sealed partial class FinalMessageModule() : CloudConfigModule("final_message", Frequency.Always, Stage.Final)
{
    /// <summary>The message when the config gives none.</summary>
    public const string DefaultMessage = "keel-agent v. $version finished at $timestamp. Datasource $datasource.  Up $uptime seconds";

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var template = ConfigValues.Text(context.Config, "final_message", Name) ?? DefaultMessage;
        var uptime = Uptime();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = AgentVersion.Value,
            ["timestamp"] = context.Options.Now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture),
            ["datasource"] = $"DataSource{context.Instance.DatasourceName} [seed]",
            ["uptime"] = uptime,
        };
        var message = Variable().Replace(template, m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
            return values.TryGetValue(name, out var v) ? v : m.Value;
        });
        context.Log.WriteLine(message);
        context.Root.WriteText(context.Paths.InstanceDir + "/boot-finished", $"{uptime} - {values["timestamp"]} - v. {AgentVersion.Value}\n", (UnixFileMode)0x1a4);
        return ModuleOutcome.Done;
    }

    private static string Uptime()
    {
        try
        {
            return File.ReadAllText("/proc/uptime").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    [GeneratedRegex(@"\{\{\s*(\w+)\s*\}\}|\$\{(\w+)\}|\$(\w+)")]
    private static partial Regex Variable();
}
