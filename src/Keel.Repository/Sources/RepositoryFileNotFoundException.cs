namespace Keel.Repository.Sources;

/// <summary>A repository file that the source does not have (HTTP 404, missing local file).</summary>
public sealed class RepositoryFileNotFoundException : FileNotFoundException
{
    public RepositoryFileNotFoundException(string location)
        : base($"{location}: not found", location)
    {
    }

    public RepositoryFileNotFoundException(string location, Exception inner)
        : base($"{location}: not found", location, inner)
    {
    }
}
