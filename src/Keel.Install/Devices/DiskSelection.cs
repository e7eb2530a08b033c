using Keel.Config.Model;
using Keel.Config.Validation;

namespace Keel.Install.Devices;

/// <summary>
/// Picks the one disk a <see cref="DiskSelector"/> names, for unattended installs: no match, several matches, or a match
/// that cannot be an install target (the medium keel runs from, the running system...) is refused, naming every candidate.
/// </summary>
public static class DiskSelection
{
    /// <summary>The disks matching every criterion of <paramref name="selector"/>.</summary>
    public static IReadOnlyList<DiskInfo> Matches(DiskSelector selector, IEnumerable<DiskInfo> disks)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(disks);
        long? min = selector.MinSize is { } minText ? ByteSize.TryParse(minText, out _, out _)?.Bytes : null;
        long? max = selector.MaxSize is { } maxText ? ByteSize.TryParse(maxText, out _, out _)?.Bytes : null;
        return disks.Where(d =>
            (selector.Path is null || d.Path == selector.Path || d.ById.Contains(selector.Path, StringComparer.Ordinal))
            && (selector.ById is null || d.ById.Any(id => id == selector.ById || Path.GetFileName(id) == selector.ById))
            && (selector.Wwn is null || Same(d.Wwn, selector.Wwn) || Same(d.Wwn, "naa." + selector.Wwn) || Same(d.Wwn, "eui." + selector.Wwn))
            && (selector.Serial is null || Same(d.Serial, selector.Serial))
            && (selector.Model is null || Same(d.Model, selector.Model))
            && (min is null || d.SizeBytes >= min)
            && (max is null || d.SizeBytes <= max)
            && (selector.Transport is null || Same(d.Transport, selector.Transport))
            && (selector.Empty is not { } empty || d.Empty == empty)).ToList();
    }

    /// <summary>The one disk <paramref name="selector"/> picks; IOException listing the candidates otherwise.</summary>
    public static DiskInfo Pick(DiskSelector selector, IReadOnlyList<DiskInfo> disks)
    {
        var matches = Matches(selector, disks);
        if (matches.Count == 0)
        {
            throw new IOException($"storage.disk: no disk matches the selector; the disks are: {Describe(disks)}");
        }

        if (matches.Count > 1)
        {
            throw new IOException($"storage.disk: the selector matches {matches.Count} disks, it must match exactly one: {Describe(matches)}");
        }

        var disk = matches[0];
        if (disk.Refusals.Count > 0)
        {
            throw new IOException($"storage.disk: the selector picks {Describe([disk])}, which cannot be an install target: {string.Join("; ", disk.Refusals.Select(r => r.Message))}");
        }

        return disk;
    }

    private static string Describe(IEnumerable<DiskInfo> disks)
    {
        var text = string.Join(", ", disks.Select(d => d.ById.Count == 0 ? d.Path : $"{d.Path} ({string.Join(", ", d.ById)})"));
        return text.Length == 0 ? "(none)" : text;
    }

    private static bool Same(string? actual, string wanted) =>
        actual is not null && string.Equals(actual.Trim(), wanted.Trim(), StringComparison.OrdinalIgnoreCase);
}
