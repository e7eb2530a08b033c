using System.Globalization;
using Keel.Installer.Api;

namespace Keel.Installer.Tui.Wizard;

/// <summary>How sizes and errors read on a screen.</summary>
internal static class Format
{
    /// <summary>Binary units with one decimal above MiB ("512 MiB", "20.0 GiB").</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit <= 2 && value == Math.Floor(value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0} {units[unit]}")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    /// <summary>One error as a line: its message and, when there is one, its hint.</summary>
    public static string Error(FieldError error) => error.Hint is { Length: > 0 } hint ? $"{error.Message} ({hint})" : error.Message;

    /// <summary>The errors whose field matches <paramref name="match"/>, one per line.</summary>
    public static string Errors(IEnumerable<FieldError> errors, Func<string, bool> match) =>
        string.Join("\n", errors.Where(e => match(e.Field)).Select(Error));

    /// <summary>A disk as one line: by-id name (or path), model, size.</summary>
    public static string Disk(DiskFacts disk) => $"{disk.ById ?? disk.Path}  {disk.Model ?? "unknown model"}  {Bytes(disk.SizeBytes)}";

    /// <summary>What is on a disk: its partitions' labels and filesystems, and an operating system found on it.</summary>
    public static string Contents(DiskFacts disk)
    {
        if (disk.Partitions.Count == 0)
        {
            return disk.ExistingOs is null ? "blank" : $"holds {disk.ExistingOs}";
        }
        string parts = string.Join(", ", disk.Partitions.Select(p => $"{p.Label ?? Path.GetFileName(p.Path)} {p.FsType ?? "?"} {Bytes(p.SizeBytes)}"));
        return disk.ExistingOs is null ? parts : $"holds {disk.ExistingOs}; {parts}";
    }
}
