using Keel.Config.Loading;
using Keel.Errors;
using Keel.Install.Devices;

namespace Keel.Installer;

/// <summary>
/// The disk an unattended install writes: the one disk the config's storage.disk selector matches. No selector, no match,
/// several matches, or a match the guard refuses (the medium's own disk, the running system, a mounted disk...) stops the
/// installer with one line naming the candidates: peers that took "the first disk" wiped USB installers.
/// </summary>
public static class TargetDisk
{
    /// <summary>The device path; a KeelException (target-refused, or invalid-input without a selector) otherwise.</summary>
    public static string Choose(LoadedConfig loaded, IReadOnlyList<DiskInfo> disks)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Config.Storage.Disk is not { } selector)
        {
            throw new KeelException(ReasonCodes.InvalidInput, loaded.Source,
                $"{loaded.Source}: storage.disk is missing; an unattended install needs it to select the disk (a path or a selector, docs/disks.md)");
        }

        try
        {
            return DiskSelection.Pick(selector, disks).Path;
        }
        catch (IOException ex)
        {
            throw new KeelException(ReasonCodes.TargetRefused, "storage.disk", ex.Message, inner: ex);
        }
    }

    /// <summary>The machine's disks, judged by the guard with the medium's path, so the medium's disk carries its refusal.</summary>
    public static Task<IReadOnlyList<DiskInfo>> ListAsync(LoadedConfig loaded, string medium, InstallTargetGuard? guard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return new DiskLister(guard ?? new InstallTargetGuard()).ListAsync(loaded.Config.Storage, medium, cancellationToken);
    }
}
