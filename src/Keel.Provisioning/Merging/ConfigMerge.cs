using Keel.Provisioning.Config;

namespace Keel.Provisioning.Merging;

/// <summary>The two ways cloud-init combines configurations.</summary>
public static class ConfigMerge
{
    /// <summary>
    /// Merges cloud-config parts in order, as cloud-init's cloud-config part handler does: each part's own merge_how (or,
    /// failing that, the part's Merge-Type header, or the default "dict(replace)+list()+str()") decides how it lands on
    /// what came before. merge_how/merge_type keys do not appear in the result.
    /// </summary>
    public static CloudMap MergeParts(IEnumerable<(CloudMap Config, string? MergeHeader)> parts)
    {
        CloudNode result = CloudMap.Empty;
        foreach (var (config, header) in parts)
        {
            var specs = MergeHow.Extract(config, out var payload).ToList();
            if (!string.IsNullOrWhiteSpace(header))
            {
                specs.AddRange(MergeHow.Parse(header));
            }

            var merger = specs.Count == 0 ? CloudMerger.FromString(MergeHow.PartDefault) : new CloudMerger(specs);
            result = merger.Merge(result, payload) ?? CloudMap.Empty;
        }

        return result as CloudMap ?? CloudMap.Empty;
    }

    /// <summary>
    /// cloud-init's util.mergemanydict: configs in precedence order (first wins); each may carry its own merge_how,
    /// default "list()+dict()+str()" (no_replace dicts, recursing into nested mappings).
    /// </summary>
    public static CloudMap MergeMany(IEnumerable<CloudMap> configsFirstWins)
    {
        CloudNode merged = CloudMap.Empty;
        foreach (var cfg in configsFirstWins)
        {
            if (cfg.Count == 0)
            {
                continue;
            }

            var specs = MergeHow.Extract(cfg, out var payload);
            var merger = specs.Count == 0 ? CloudMerger.FromString(MergeHow.ConfigDefault) : new CloudMerger(specs);
            merged = merger.Merge(merged, payload) ?? merged;
        }

        return merged as CloudMap ?? CloudMap.Empty;
    }
}
