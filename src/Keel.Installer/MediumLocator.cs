using Keel.Errors;
using Keel.Media;

namespace Keel.Installer;

/// <summary>
/// Finds the medium's root directory. Given (--medium DIR) it must be one; otherwise the live mount point is used when
/// the initramfs mounted the medium there, else the medium is found by its volume label (keel.medium=LABEL, or the label
/// in root=live:CDLABEL=/LABEL=) or, without a label, among the iso9660 filesystems, and mounted there read-only: a live
/// root that is the initramfs itself has nothing mounted.
/// </summary>
public sealed class MediumLocator(ISystemAccess system, InstallerConsole console)
{
    /// <summary>keel.medium=LABEL: the medium's volume label, when the boot entry names it.</summary>
    public const string LabelParameter = "keel.medium";

    /// <summary>The medium's root; throws a KeelException (invalid-input) when there is none.</summary>
    public async Task<string> LocateAsync(string? given, KernelCommandLine commandLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (given is not null)
        {
            var full = Path.GetFullPath(given);
            return IsMedium(full) ? full
                : throw new KeelException(ReasonCodes.InvalidInput, given, $"--medium {given}: not an installer medium (no {MediumLayout.Manifest})");
        }

        var mountPoint = MediumLayout.LiveMountPoint;
        if (IsMedium(mountPoint))
        {
            return mountPoint;
        }

        var label = LabelFrom(commandLine);
        var candidates = label is not null
            ? await system.FindByLabelAsync(label, cancellationToken).ConfigureAwait(false)
            : await system.FindByTypeAsync("iso9660", cancellationToken).ConfigureAwait(false);
        foreach (var device in candidates)
        {
            try
            {
                await system.MountReadOnlyAsync(device, mountPoint, null, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                console.Log.Message($"{device}: cannot be mounted read-only: {ex.Message}");
                continue;
            }

            if (IsMedium(mountPoint))
            {
                console.Say($"medium found: {device}{(label is null ? "" : $" (label {label})")}, mounted read-only at {mountPoint}");
                return mountPoint;
            }

            await system.UnmountAsync(mountPoint, cancellationToken).ConfigureAwait(false);
        }

        var what = label is null ? "no iso9660 filesystem holds one" : $"no filesystem labelled {label} holds one";
        throw new KeelException(ReasonCodes.InvalidInput, mountPoint,
            $"{mountPoint}: no installer medium is mounted, and {what}", "attach the medium, or give its directory with --medium DIR");
    }

    /// <summary>The medium's label named on the command line (keel.medium=, root=live:CDLABEL= or root=live:LABEL=), or null.</summary>
    public static string? LabelFrom(KernelCommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (commandLine.Value(LabelParameter) is { Length: > 0 } label)
        {
            return label.StartsWith("LABEL=", StringComparison.Ordinal) ? label[6..] : label;
        }

        var root = commandLine.Value("root");
        foreach (var prefix in (string[])["live:CDLABEL=", "live:LABEL="])
        {
            if (root is not null && root.StartsWith(prefix, StringComparison.Ordinal))
            {
                // dracut writes blanks in labels as \x20.
                return root[prefix.Length..].Replace("\\x20", " ", StringComparison.Ordinal);
            }
        }

        return null;
    }

    private static bool IsMedium(string directory) => File.Exists(Path.Combine(directory, MediumLayout.Manifest));
}
