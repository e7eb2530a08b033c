namespace Keel.Repository.Sources;

/// <summary>A repository in a local directory (a path or a file:// URL).</summary>
public sealed class LocalDirectorySource : IRepositorySource
{
    private readonly string _root;

    public LocalDirectorySource(string baseText, string directory)
    {
        Base = baseText;
        _root = Path.GetFullPath(directory);
    }

    public string Base { get; }

    public bool IsLocal => true;

    public string Describe(string relativePath) => LocalPath(relativePath);

    public string LocalPath(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(_root, relativePath.TrimStart('/')));

        // A location href must not climb out of the repository ("../../etc/shadow").
        if (!full.StartsWith(_root.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Base}: location '{relativePath}' points outside the repository");
        }

        return full;
    }

    public async Task FetchAsync(string relativePath, string partPath, long maxBytes, IProgress<long>? bytesWritten, CancellationToken cancellationToken)
    {
        var source = LocalPath(relativePath);
        if (!File.Exists(source))
        {
            throw new RepositoryFileNotFoundException(source);
        }

        var length = new FileInfo(source).Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{source}: {length} bytes is more than the {maxBytes} expected");
        }

        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var output = new FileStream(partPath, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await input.CopyToAsync(output, 256 * 1024, cancellationToken).ConfigureAwait(false);
        bytesWritten?.Report(length);
    }

    /// <summary>Interprets a base as a local directory when it is a path or file:// URL.</summary>
    public static bool TryCreate(string baseText, out LocalDirectorySource? source)
    {
        source = null;
        if (baseText.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(baseText);
            source = new LocalDirectorySource(baseText, uri.LocalPath);
            return true;
        }

        if (baseText.Contains("://", StringComparison.Ordinal))
        {
            return false;
        }

        source = new LocalDirectorySource(baseText, baseText);
        return true;
    }
}
