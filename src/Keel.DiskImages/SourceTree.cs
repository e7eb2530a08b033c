using Keel.Processes;
namespace Keel.DiskImages;

/// <summary>One entry of a source tree as lstat sees it: its path relative to the root, its kind (find's %y letter) and mtime in seconds.</summary>
internal sealed record SourceEntry(string RelativePath, char Kind, long MtimeSeconds)
{
    public string Name => RelativePath[(RelativePath.LastIndexOf('/') + 1)..];

    public string Parent => RelativePath.LastIndexOf('/') is var i and >= 0 ? RelativePath[..i] : "";
}

/// <summary>Lists a source tree without following symlinks, in byte order of paths, so every walk over the same content is the same walk.</summary>
internal static class SourceTree
{
    /// <summary>Every entry below <paramref name="root"/> (not the root itself); throws NotSupportedException for names a script line cannot carry.</summary>
    public static async Task<List<SourceEntry>> ListAsync(string root, CancellationToken ct)
    {
        var find = HostTools.Require("find", "findutils");
        var result = await ToolRunner.RunAsync(find, [root, "-mindepth", "1", "-printf", "%P\\0%y\\0%T@\\0"], null, ct).ConfigureAwait(false);
        var fields = result.Output.Split('\0');
        var entries = new List<SourceEntry>(fields.Length / 3);
        for (int i = 0; i + 2 < fields.Length; i += 3)
        {
            var path = fields[i];
            if (path.IndexOfAny(['\n', '\r', '\uFFFD']) >= 0)
            {
                throw new NotSupportedException($"{Path.Combine(root, path)}: names with line breaks or bytes that are not UTF-8 are not supported");
            }

            var seconds = fields[i + 2];
            int dot = seconds.IndexOf('.');
            entries.Add(new SourceEntry(path, fields[i + 1][0], long.Parse(dot < 0 ? seconds : seconds[..dot])));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return entries;
    }

    /// <summary>The mtime a filesystem records: clamped to SOURCE_DATE_EPOCH when one is set, as rpm and tar do.</summary>
    public static long Clamp(long mtime, long? sourceDateEpoch) => sourceDateEpoch is { } epoch && mtime > epoch ? epoch : mtime;
}
