using System.Text;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's resolv_conf (init stage, per instance): with <c>manage_resolv_conf: true</c>, /etc/resolv.conf is written
/// from <c>resolv_conf</c> (nameservers, searchdomains, domain, sortlist, options; true options are flags, false ones
/// dropped, the others key:value sorted), exactly as cloud-init 22.4.2 renders its resolv.conf template. A symlink at
/// /etc/resolv.conf is written through (inside the root), as cloud-init's write_file does.
/// </summary>
public sealed class ResolvConfModule() : CloudConfigModule("resolv_conf", Frequency.PerInstance, Stage.Init)
{
    private const string Header = """
        # Your system has been configured with 'manage-resolv-conf' set to true.
        # As a result, cloud-init has written this file with configuration data
        # that it has been provided. Cloud-init, by default, will write this file
        # a single time (PER_ONCE).
        #

        """;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (!context.Config.GetBool("manage_resolv_conf", false))
        {
            return ModuleOutcome.NothingToDo;
        }

        var config = ConfigValues.Map(context.Config, "resolv_conf", Name);
        if (config is null)
        {
            context.Warnings.Add(new(Keel.Errors.Severity.Warning, "resolv_conf", "manage_resolv_conf is true but no resolv_conf parameters were given; /etc/resolv.conf left alone"));
            return ModuleOutcome.NothingToDo;
        }

        context.Root.WriteText("/etc/resolv.conf", Render(config), (UnixFileMode)0x1a4);
        return ModuleOutcome.Done;
    }

    /// <summary>/etc/resolv.conf as cloud-init 22.4.2's resolv.conf.tmpl renders <paramref name="config"/> (its Jinja whitespace included).</summary>
    public static string Render(CloudMap config)
    {
        var sb = new StringBuilder(Header);
        if (Items(config, "nameservers") is { } servers)
        {
            foreach (var s in servers)
            {
                sb.Append("nameserver ").Append(s).Append('\n');
            }

            sb.Append('\n');
        }

        if (Items(config, "searchdomains") is { } search)
        {
            sb.Append("search ");
            foreach (var s in search)
            {
                sb.Append(s).Append(' ');
            }

            sb.Append('\n');
        }

        if (config["domain"] is CloudScalar { IsNull: false } domain)
        {
            sb.Append("domain ").Append(domain.Text).Append('\n');
        }

        if (Items(config, "sortlist") is { } sortlist)
        {
            sb.Append("\nsortlist ");
            foreach (var s in sortlist)
            {
                sb.Append(s).Append(' ');
            }
        }

        sb.Append('\n');
        var options = ConfigValues.Map(config, "options", "resolv_conf") ?? CloudMap.Empty;
        var flags = options.Entries.Where(e => e.Value is CloudScalar { Kind: ScalarKind.Boolean, Text: "true" }).Select(e => e.Key).ToList();
        var values = options.Entries.Where(e => e.Value is not CloudScalar { Kind: ScalarKind.Boolean })
            .Select(e => (e.Key, Value: (e.Value as CloudScalar)?.Text ?? throw new InvalidDataException($"resolv_conf.options.{e.Key} (line {e.Value.Line}): must be a scalar")))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        if (flags.Count > 0 || values.Count > 0)
        {
            sb.Append("options");
            foreach (var f in flags)
            {
                sb.Append(' ').Append(f);
            }

            foreach (var (key, value) in values)
            {
                sb.Append(' ').Append(key).Append(':').Append(value);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static List<string>? Items(CloudMap config, string key) =>
        ConfigValues.List(config, key, "resolv_conf")?.Items.Select(i => (i as CloudScalar)?.Text is { Length: > 0 } t && !t.Any(char.IsControl)
            ? t
            : throw new InvalidDataException($"resolv_conf.{key} (line {i.Line}): entries must be non-empty strings on one line")).ToList();
}
