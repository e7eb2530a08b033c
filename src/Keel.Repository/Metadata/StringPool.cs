using System.Runtime.CompilerServices;

namespace Keel.Repository.Metadata;

/// <summary>
/// Interns strings for one metadata load (never process-wide), looked up by span so repeated names,
/// arches and versions cost one allocation each.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _strings.Count;

    public void Reserve(int count) => _strings.EnsureCapacity(count);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Intern(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        if (_lookup.TryGetValue(text, out var existing))
        {
            return existing;
        }

        var s = text.ToString();
        _strings.Add(s, s);
        return s;
    }

    public string Intern(string text)
    {
        if (text.Length == 0)
        {
            return string.Empty;
        }

        if (_strings.TryGetValue(text, out var existing))
        {
            return existing;
        }

        _strings.Add(text, text);
        return text;
    }

    public string? InternOrNull(string? text) => text is null ? null : Intern(text);
}
