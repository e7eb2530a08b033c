using System.Globalization;
using System.Text;
using Keel.Errors;

namespace Keel.Media.Manifest;

/// <summary>
/// The list of every file on a medium, one "SHA256  SIZE  PATH" line each, sorted by path (ordinal), UTF-8, LF. The
/// format is sha256sum's with the size added, so `awk '{print $1"  "$3}' manifest | sha256sum -c` checks a mounted medium
/// with standard tools. Parsing is strict: it is read before its signature is trusted only to the extent of being bounded.
/// </summary>
public sealed class MediumManifest
{
    /// <summary>Most entries accepted (a full distribution medium has tens of thousands of packages at most).</summary>
    public const int MaxEntries = 500_000;

    /// <summary>Largest manifest accepted, in bytes.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    private MediumManifest(IReadOnlyList<ManifestEntry> entries) => Entries = entries;

    /// <summary>The entries, sorted by path.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>The total size of every listed file.</summary>
    public long TotalBytes => Entries.Sum(e => e.Size);

    /// <summary>A manifest of <paramref name="entries"/>; paths are checked and sorted, duplicates refused.</summary>
    public static MediumManifest Create(IEnumerable<ManifestEntry> entries)
    {
        var sorted = entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            CheckPath(sorted[i].Path, "manifest");
            if (i > 0 && sorted[i - 1].Path == sorted[i].Path)
            {
                throw new InvalidDataException($"manifest: '{sorted[i].Path}' is listed twice");
            }
        }

        return new MediumManifest(sorted);
    }

    /// <summary>The manifest's bytes, exactly as signed.</summary>
    public byte[] ToBytes()
    {
        var text = new StringBuilder();
        foreach (var e in Entries)
        {
            text.Append(e.Sha256).Append("  ").Append(e.Size.ToString(CultureInfo.InvariantCulture)).Append("  ").Append(e.Path).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reads a manifest; <paramref name="source"/> names it in messages. Any malformed line refuses the whole manifest.</summary>
    public static MediumManifest Parse(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length > MaxBytes)
        {
            throw new LimitExceededException(source, $"{source}: manifest of {data.Length} bytes exceeds the limit of {MaxBytes}");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(data);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException($"{source}: the manifest is not UTF-8", ex);
        }

        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new InvalidDataException($"{source}: the manifest does not end with a newline (truncated?)");
        }

        var entries = new List<ManifestEntry>();
        int lineNumber = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            if (entries.Count >= MaxEntries)
            {
                throw new LimitExceededException(source, $"{source}: more than {MaxEntries} entries");
            }

            entries.Add(ParseLine(line, source, lineNumber));
        }

        for (int i = 1; i < entries.Count; i++)
        {
            if (string.CompareOrdinal(entries[i - 1].Path, entries[i].Path) >= 0)
            {
                throw new InvalidDataException($"{source}: '{entries[i].Path}' is out of order or listed twice");
            }
        }

        return new MediumManifest(entries);
    }

    /// <summary>
    /// Refuses a path that could leave the medium root or that the ISO could not hold as written: absolute, empty or
    /// '.'/'..' components, backslashes, control characters.
    /// </summary>
    public static void CheckPath(string path, string source)
    {
        if (path.Length == 0 || path.Length > 4096 || path.StartsWith('/') || path.EndsWith('/') || path.Contains('\\', StringComparison.Ordinal)
            || path.Any(char.IsControl) || path.Split('/').Any(c => c.Length == 0 || c == "." || c == ".."))
        {
            throw new InvalidDataException($"{source}: '{MessageText.Printable(path)}' is not a plain relative path");
        }
    }

    private static ManifestEntry ParseLine(ReadOnlySpan<char> line, string source, int lineNumber)
    {
        // "HEX64  SIZE  PATH": fixed separators, so a path may hold spaces but nothing is ambiguous.
        int sizeStart = 66;
        int sizeEnd = line.Length > sizeStart ? line[sizeStart..].IndexOf("  ", StringComparison.Ordinal) : -1;
        if (line.Length < 70 || line[64] != ' ' || line[65] != ' ' || sizeEnd <= 0
            || !IsLowerHex(line[..64])
            || !long.TryParse(line.Slice(sizeStart, sizeEnd), NumberStyles.None, CultureInfo.InvariantCulture, out long size))
        {
            throw new InvalidDataException($"{source}:{lineNumber}: not a 'SHA256  SIZE  PATH' line");
        }

        var path = line[(sizeStart + sizeEnd + 2)..].ToString();
        CheckPath(path, $"{source}:{lineNumber}");
        return new ManifestEntry(path, size, line[..64].ToString());
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
