namespace Keel.Inspection;

/// <summary>
/// A machine's root tree opened for reading by validate, sbom, scan and diff: a directory as given, or the root
/// filesystem of a disk image made available read-only until disposed.
/// </summary>
/// <remarks>
/// Every reader of the tree must treat it as hostile: never follow a symlink out of <see cref="Root"/>.
/// </remarks>
public sealed class InspectedSystem : IAsyncDisposable
{
    private readonly Func<ValueTask>? _release;

    private InspectedSystem(string root, string description, Func<ValueTask>? release)
    {
        Root = root;
        Description = description;
        _release = release;
    }

    private InspectedSystem(ImageAccess access)
        : this(access.Root, access.Description, access.DisposeAsync)
    {
        Partitions = access.Partitions;
        EspDirectory = access.EspDirectory;
    }

    /// <summary>The directory that holds the system's root tree.</summary>
    public string Root { get; }

    /// <summary>What was opened, for messages: "root /srv/x" or "image disk.qcow2 (partition 3, ext4)".</summary>
    public string Description { get; }

    /// <summary>The image's GPT partitions; empty for a directory.</summary>
    public IReadOnlyList<ImagePartition> Partitions { get; } = [];

    /// <summary>
    /// A read-only copy of the image's ESP files (vfat, which is copied out with mtools rather than mounted), or null
    /// for a directory or an image without a vfat ESP. A separate /boot, /var and /home are mounted inside <see cref="Root"/>.
    /// </summary>
    public string? EspDirectory { get; }

    /// <summary>Opens a directory that holds a system's root tree.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static InspectedSystem OpenRoot(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such directory");
        }

        return new InspectedSystem(Path.GetFullPath(directory), $"root {directory}", null);
    }

    /// <summary>Opens a disk image's root filesystem read-only (raw, qcow2, vhd, vhdx); released on dispose.</summary>
    /// <exception cref="FileNotFoundException">The image does not exist.</exception>
    /// <exception cref="InvalidDataException">No GPT, or no root partition.</exception>
    /// <exception cref="Keel.Errors.UnsupportedInputException">An encrypted (LUKS) root, a filesystem other than ext4 or xfs, or a backing file.</exception>
    /// <remarks>
    /// The image itself is never written: its root filesystem is mounted read-only under an overlay whose writable layer
    /// is temporary, so a tool that must create a file beside what it reads (sqlite's -shm for `rpm --root -qa`) works.
    /// Needs root on the host (loop devices and mounts); everything is undone on dispose, failure and cancellation.</remarks>
    public static async Task<InspectedSystem> OpenImageAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var access = await ImageAccess.OpenAsync(image, cancellationToken).ConfigureAwait(false);
        return new InspectedSystem(access);
    }

    /// <summary>Releases whatever opening the image took (mounts, loop devices, temporary files).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_release is not null)
        {
            await _release().ConfigureAwait(false);
        }
    }
}
