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

    /// <summary>The directory that holds the system's root tree.</summary>
    public string Root { get; }

    /// <summary>What was opened, for messages: "root /srv/x" or "image disk.qcow2 (partition 3, ext4)".</summary>
    public string Description { get; }

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
    public static Task<InspectedSystem> OpenImageAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        // Contract only: the manifest helper implements this (GPT, root partition, read-only access, cleanup).
        throw new NotSupportedException($"{image}: opening disk images is not implemented yet");
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
