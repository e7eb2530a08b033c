using Xunit.Abstractions;

namespace Keel.EndToEnd.Tests;

/// <summary>
/// Starts the installer-medium collection first: it runs serially (one medium fixture) and is the longest, about 20 minutes
/// with the interactive install, so starting it late would leave one core idle at the end while it finishes alone.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    /// <inheritdoc />
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName == InstallerMediumCollection.Name ? 0 : 1).ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
