namespace Keel.Repository.Sources;

/// <summary>Where one repository's files come from: a local directory or an http(s) base URL.</summary>
public interface IRepositorySource
{
    /// <summary>The base as the user wrote it (for messages).</summary>
    string Base { get; }

    /// <summary>True when files can be read in place (<see cref="LocalPath"/> gives their paths).</summary>
    bool IsLocal { get; }

    /// <summary>The full URL or path of a repository-relative file, for messages.</summary>
    string Describe(string relativePath);

    /// <summary>The local path of a repository-relative file; only for local sources.</summary>
    string LocalPath(string relativePath);

    /// <summary>
    /// Fetches <paramref name="relativePath"/> into <paramref name="partPath"/>, resuming from its current length when
    /// the server honours ranges and restarting it otherwise. Refuses to write more than <paramref name="maxBytes"/>.
    /// </summary>
    /// <exception cref="RepositoryFileNotFoundException">The source does not have the file.</exception>
    Task FetchAsync(string relativePath, string partPath, long maxBytes, IProgress<long>? bytesWritten, CancellationToken cancellationToken);
}
