namespace Keel.Packaging;

/// <summary>An rpm [epoch:]version[-release]; a missing epoch or release is null, not empty.</summary>
public sealed record Evr(string? Epoch, string Version, string? Release) : IComparable<Evr>
{
    /// <summary>Parses "[E:]V[-R]" the way rpm splits an EVR: the epoch is all digits before the first ':', the release follows the last '-'.</summary>
    public static Evr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? epoch = null;
        string rest = text;
        int colon = 0;
        while (colon < text.Length && char.IsAsciiDigit(text[colon]))
        {
            colon++;
        }

        if (colon < text.Length && text[colon] == ':')
        {
            epoch = text[..colon];
            rest = text[(colon + 1)..];
        }

        int dash = rest.LastIndexOf('-');
        return dash >= 0
            ? new Evr(epoch, rest[..dash], rest[(dash + 1)..])
            : new Evr(epoch, rest, null);
    }

    /// <summary>The epoch as a number, 0 when missing (rpm treats missing and zero alike for ordering).</summary>
    public long EpochNumber => long.TryParse(Epoch, out var e) ? e : 0;

    /// <summary>Full ordering as rpm compares two packages' EVRs (missing epoch = 0, missing release = empty).</summary>
    public int CompareTo(Evr? other)
    {
        if (other is null)
        {
            return 1;
        }

        int c = EpochNumber.CompareTo(other.EpochNumber);
        if (c != 0)
        {
            return c < 0 ? -1 : 1;
        }

        c = RpmVersion.Compare(Version, other.Version);
        return c != 0 ? c : RpmVersion.Compare(Release ?? string.Empty, other.Release ?? string.Empty);
    }

    /// <summary>Formats as rpm prints it in a NEVRA: the epoch only when it is non-zero.</summary>
    public override string ToString()
    {
        var ev = EpochNumber != 0 ? $"{Epoch}:{Version}" : Version;
        return Release is null ? ev : $"{ev}-{Release}";
    }

    /// <summary>Formats with the epoch whenever one was given (as in dependency strings).</summary>
    public string ToFullString()
    {
        var ev = Epoch is not null ? $"{Epoch}:{Version}" : Version;
        return Release is null ? ev : $"{ev}-{Release}";
    }
}
