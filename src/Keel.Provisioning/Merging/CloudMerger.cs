using Keel.Provisioning.Config;

namespace Keel.Provisioning.Merging;

/// <summary>
/// cloud-init's merger: the first configured merger for the source value's type (dict, list, str) merges the new value
/// into it; a type with no merger keeps the source value. Inputs are never modified.
/// </summary>
public sealed class CloudMerger
{
    private readonly MergerSpec? _dict;
    private readonly MergerSpec? _list;
    private readonly MergerSpec? _str;

    /// <summary>Builds a merger from parsed specifications (the first of each type wins, as in cloud-init's lookup).</summary>
    public CloudMerger(IEnumerable<MergerSpec> specs)
    {
        foreach (var s in specs)
        {
            switch (s.Name)
            {
                case "dict": _dict ??= s; break;
                case "list": _list ??= s; break;
                case "str": _str ??= s; break;
            }
        }
    }

    /// <summary>Parses and builds.</summary>
    public static CloudMerger FromString(string spec) => new(MergeHow.Parse(spec));

    /// <summary>Merges <paramref name="mergeWith"/> into <paramref name="source"/> and returns the result.</summary>
    public CloudNode? Merge(CloudNode? source, CloudNode? mergeWith) => source switch
    {
        CloudMap map when _dict is not null => MergeDict(map, mergeWith),
        CloudList list when _list is not null => MergeList(list, mergeWith),
        CloudScalar { Kind: ScalarKind.String } s when _str is not null => MergeStr(s, mergeWith),
        _ => source,
    };

    private CloudNode MergeDict(CloudMap value, CloudNode? mergeWith)
    {
        if (mergeWith is not CloudMap with)
        {
            return value;
        }

        var spec = _dict!;
        var replace = spec.Has("replace");
        var recurseStr = spec.Has("recurse_str");
        var recurseArray = spec.Has("recurse_array") || spec.Has("recurse_list");
        var allowDelete = spec.Has("allow_delete");

        var entries = value.Entries.ToList();
        var index = entries.Select((e, i) => (e.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, newValue) in with.Entries)
        {
            if (index.TryGetValue(key, out var at) && !removed.Contains(key))
            {
                if (newValue is CloudScalar { IsNull: true } && allowDelete)
                {
                    removed.Add(key);
                    continue;
                }

                var old = entries[at].Value;
                CloudNode? merged = replace ? newValue : newValue switch
                {
                    CloudList when recurseArray => Merge(old, newValue),
                    CloudScalar { Kind: ScalarKind.String } when recurseStr => Merge(old, newValue),
                    CloudMap => Merge(old, newValue),
                    _ => old,
                };
                entries[at] = new(key, merged ?? newValue);
            }
            else if (index.TryGetValue(key, out var deletedAt))
            {
                // Re-adding a key deleted earlier in this same merge.
                removed.Remove(key);
                entries[deletedAt] = new(key, newValue);
            }
            else
            {
                index[key] = entries.Count;
                entries.Add(new(key, newValue));
            }
        }

        var keyLines = new Dictionary<string, int>(value.KeyLines, StringComparer.Ordinal);
        foreach (var (k, l) in with.KeyLines)
        {
            keyLines.TryAdd(k, l);
        }

        return new CloudMap(entries.Where(e => !removed.Contains(e.Key)), value.Line, keyLines);
    }

    private CloudNode? MergeList(CloudList value, CloudNode? mergeWith)
    {
        var spec = _list!;
        var method = spec.Has("append") ? "append" : spec.Has("prepend") ? "prepend" : spec.Has("replace") ? "replace" : spec.Has("no_replace") ? "no_replace" : "replace";
        if (method == "replace" && mergeWith is not CloudList)
        {
            return mergeWith;
        }

        if (method is "append" or "prepend")
        {
            var extra = AsExtendable(mergeWith);
            return new CloudList(method == "append" ? [.. value.Items, .. extra] : [.. extra, .. value.Items], value.Line);
        }

        if (mergeWith is not CloudList with)
        {
            // Python would index into the non-list; cloud-init configs never do this, so keep the original.
            return value;
        }

        var recurseStr = spec.Has("recurse_str");
        var recurseDict = spec.Has("recurse_dict");
        var recurseArray = spec.Has("recurse_array") || spec.Has("recurse_list");
        var items = value.Items.ToList();
        for (var i = 0; i < Math.Min(items.Count, with.Items.Count); i++)
        {
            if (method == "no_replace")
            {
                continue;
            }

            var old = items[i];
            var neu = with.Items[i];
            items[i] = neu switch
            {
                CloudList when recurseArray => Merge(old, neu) ?? neu,
                CloudScalar { Kind: ScalarKind.String } when recurseStr => Merge(old, neu) ?? neu,
                CloudMap when recurseDict => Merge(old, neu) ?? neu,
                _ => neu,
            };
        }

        return new CloudList(items, value.Line);
    }

    /// <summary>What Python's list.extend takes from a value: list items, a string's characters, a dict's keys.</summary>
    private static IEnumerable<CloudNode> AsExtendable(CloudNode? node) => node switch
    {
        CloudList l => l.Items,
        CloudMap m => m.Entries.Select(e => (CloudNode)CloudScalar.Str(e.Key, m.Line)),
        CloudScalar { Kind: ScalarKind.String } s => s.Text.Select(c => (CloudNode)CloudScalar.Str(c.ToString(), s.Line)),
        _ => throw new FormatException($"merge_how list(append|prepend): cannot extend a list with a {node?.TypeName ?? "null"} value (line {node?.Line ?? 0})"),
    };

    private CloudNode? MergeStr(CloudScalar value, CloudNode? mergeWith)
    {
        if (!_str!.Has("append") || mergeWith is not CloudScalar { Kind: ScalarKind.String } with)
        {
            return mergeWith;
        }

        return new CloudScalar(ScalarKind.String, value.Text + with.Text, value.Line);
    }
}
