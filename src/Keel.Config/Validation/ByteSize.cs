using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Config.Validation;

/// <summary>A partition or image size as written in a config: bytes with a binary unit, or a percentage of the disk.</summary>
public readonly partial record struct ByteSize(long Bytes, int Percent)
{
    public const long MiB = 1024 * 1024;

    public bool IsPercent => Percent > 0;

    /// <summary>Parses "512MiB", "1.5GiB", "20%"; null (with <paramref name="error"/> and a <paramref name="hint"/>) when it is not a size.</summary>
    public static ByteSize? TryParse(string text, out string? error, out string? hint)
    {
        error = null;
        hint = null;
        var m = SizePattern().Match(text.Trim());
        if (!m.Success)
        {
            error = $"'{text}' is not a size";
            var loose = LoosePattern().Match(text.Trim());
            hint = loose.Success
                ? $"did you mean '{loose.Groups[1].Value}{char.ToUpperInvariant(loose.Groups[2].Value[0])}iB'? units are KiB, MiB, GiB, TiB (powers of 1024) or %"
                : "write a number with KiB, MiB, GiB, TiB or %, e.g. '512MiB'";
            return null;
        }

        var number = decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value;
        if (unit == "%")
        {
            if (number <= 0 || number > 100 || number != decimal.Truncate(number))
            {
                error = $"'{text}' is not a whole percentage between 1 and 100";
                return null;
            }

            return new ByteSize(0, (int)number);
        }

        decimal multiplier = unit switch
        {
            "KiB" => 1024m,
            "MiB" => MiB,
            "GiB" => 1024m * MiB,
            _ => 1024m * 1024 * MiB,
        };
        var bytes = number * multiplier;
        if (bytes <= 0 || bytes > long.MaxValue / 2)
        {
            error = $"'{text}' is out of range";
            return null;
        }

        return new ByteSize((long)bytes, 0);
    }

    /// <summary>Bytes as people read them: "512 MiB", "7.5 GiB".</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        decimal value = bytes;
        int u = 0;
        while (value >= 1024 && u < units.Length - 1)
        {
            value /= 1024;
            u++;
        }

        return $"{Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture)} {units[u]}";
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(KiB|MiB|GiB|TiB|%)$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT])(?:i?[bB])?$")]
    private static partial Regex LoosePattern();
}
