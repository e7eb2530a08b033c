using Keel.Config.Validation;
using Keel.Install.Planning;
using Keel.Installer.Api;

namespace Keel.Installer.Service.Session.Review;

/// <summary>Every destructive operation of a plan, said with the disk's path, by-id name, model and size, and what it erases.</summary>
public static class DestructiveOperations
{
    /// <summary>One entry per destructive operation of <paramref name="plan"/>'s steps, in plan order.</summary>
    public static List<Api.DestructiveOperation> Of(Plan plan, DiskFacts disk)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(disk);
        var erases = Erases(disk);
        return [.. plan.Steps.SelectMany(step => step.Destructive.Select(op => new Api.DestructiveOperation(
            step.Id, op.Description, disk.Path, disk.ById, disk.Model, disk.SizeBytes, erases)))];
    }

    /// <summary>What is on the disk now, which the install erases: its partitions with filesystems and labels, an operating system.</summary>
    public static string Erases(DiskFacts disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        if (disk.Partitions.Count == 0)
        {
            return $"everything on {disk.Path} ({ByteSize.Format(disk.SizeBytes)}); it holds no partitions now";
        }

        var parts = string.Join(", ", disk.Partitions.Select(p =>
            $"{p.Path} ({ByteSize.Format(p.SizeBytes)}{(p.FsType is null ? "" : ", " + p.FsType)}{(p.Label is null ? "" : $", label '{p.Label}'")})"));
        return $"everything on {disk.Path}: {disk.Partitions.Count} partition{(disk.Partitions.Count == 1 ? "" : "s")}: {parts}"
            + (disk.ExistingOs is { } os ? $"; the installed {os} is erased with it" : "");
    }
}
