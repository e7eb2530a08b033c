using System.Text.RegularExpressions;
using Keel.Provisioning.Config;

namespace Keel.Provisioning.Merging;

/// <summary>One merger of a merge_how specification: its type name (dict, list, str) and its options.</summary>
public sealed record MergerSpec(string Name, IReadOnlyList<string> Options)
{
    /// <summary>Whether an option is set.</summary>
    public bool Has(string option) => Options.Contains(option, StringComparer.Ordinal);
}

/// <summary>Parses cloud-init's merge_how / merge_type specifications ("dict(recurse_array,no_replace)+list(append)").</summary>
public static partial class MergeHow
{
    /// <summary>What a cloud-config part without merge_how is merged with (cloud-init's DEF_MERGERS).</summary>
    public const string PartDefault = "dict(replace)+list()+str()";

    /// <summary>What util.mergemanydict uses for whole configs (first one wins).</summary>
    public const string ConfigDefault = "list()+dict()+str()";

    private static readonly string[] Known = ["dict", "list", "str"];

    /// <summary>Parses the string form; throws FormatException naming the bad entry.</summary>
    public static IReadOnlyList<MergerSpec> Parse(string spec)
    {
        var result = new List<MergerSpec>();
        foreach (var raw in spec.Split('+'))
        {
            var name = raw.Trim().ToLowerInvariant().Replace('-', '_');
            if (name.Length == 0)
            {
                continue;
            }

            var m = NamePattern().Match(name);
            if (!m.Success)
            {
                throw new FormatException($"merge_how: matcher identifier '{name}' is not in the right format");
            }

            var options = m.Groups[2].Value.Split(',').Select(o => o.Trim().ToLowerInvariant()).Where(o => o.Length > 0).ToList();
            result.Add(Checked(m.Groups[1].Value, options));
        }

        return result;
    }

    /// <summary>
    /// Takes merge_how (or merge_type) out of a cloud-config mapping, as cloud-init's dict_extract_mergers pops it.
    /// Returns the mergers (empty when none were given) and the mapping without those keys.
    /// </summary>
    public static IReadOnlyList<MergerSpec> Extract(CloudMap config, out CloudMap remaining)
    {
        var raw = config["merge_how"] ?? config["merge_type"];
        remaining = config.ContainsKey("merge_how") || config.ContainsKey("merge_type") ? config.Without("merge_how", "merge_type") : config;
        if (raw is null || raw is CloudScalar { IsNull: true })
        {
            return [];
        }

        if (raw is CloudScalar s)
        {
            return Parse(s.Text);
        }

        if (raw is not CloudList list)
        {
            throw new FormatException($"merge_how (line {raw.Line}) must be a string or a list");
        }

        var result = new List<MergerSpec>();
        foreach (var item in list.Items)
        {
            switch (item)
            {
                case CloudMap m:
                    var name = (m.GetString("name") ?? throw new FormatException($"merge_how (line {m.Line}): entry without a name")).Replace('-', '_').Trim();
                    var settings = m["settings"] is CloudList sl ? sl.Items.OfType<CloudScalar>().Select(x => x.Text.ToLowerInvariant()).ToList() : [];
                    result.Add(Checked(name, settings));
                    break;
                case CloudList l when l.Items.Count > 0 && l.Items[0] is CloudScalar first:
                    result.Add(Checked(first.Text, l.Items.Skip(1).OfType<CloudScalar>().Select(x => x.Text.ToLowerInvariant()).ToList()));
                    break;
                default:
                    throw new FormatException($"merge_how (line {item.Line}): entries must be mappings with name/settings or lists");
            }
        }

        return result;
    }

    private static MergerSpec Checked(string name, List<string> options)
    {
        var n = name.StartsWith("m_", StringComparison.Ordinal) ? name[2..] : name;
        if (!Known.Contains(n, StringComparer.Ordinal))
        {
            throw new FormatException($"merge_how: unknown merger '{name}' (known: dict, list, str)");
        }

        return new MergerSpec(n, options);
    }

    [GeneratedRegex(@"^([a-zA-Z_][A-Za-z0-9_]*)\((.*?)\)$")]
    private static partial Regex NamePattern();
}
