using Keel.Errors;
using Keel.OpenPgp;
using Keel.Progress;
using Keel.Repository;
using Keel.Repository.Definitions;
using Keel.Repository.Sources;

namespace Keel.Mirror;

/// <summary>
/// `keel mirror sync`: mirrors repositories into a new snapshot of a plain directory and switches `current` to it only
/// when every repository verified, so a failed, refused, cancelled or killed sync leaves the previous snapshot served.
/// </summary>
public sealed class MirrorSyncer
{
    /// <summary>The step id of the publish (and prune) step.</summary>
    public const string PublishStep = "mirror.publish";

    /// <summary>The progress step id of one repository.</summary>
    public static string StepFor(string repositoryId) => "mirror." + repositoryId;

    /// <summary>Syncs <paramref name="repositories"/> into <see cref="MirrorSyncOptions.Destination"/>.</summary>
    public async Task<MirrorSyncReport> SyncAsync(IReadOnlyList<RepositoryDefinition> repositories, MirrorSyncOptions options, IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        ArgumentNullException.ThrowIfNull(options);
        if (repositories.Count == 0)
        {
            throw new ArgumentException("no repository to mirror");
        }

        CheckIds(repositories);
        if (options.Keep is < 1)
        {
            throw new ArgumentException($"--keep {options.Keep}: keep at least 1 snapshot (the current one)");
        }

        using var store = SnapshotStore.Open(options.Destination);
        var previousId = store.CurrentSnapshot();
        var previousPath = previousId is null ? null : store.SnapshotPath(previousId);
        var previousIndex = previousPath is null ? new SnapshotIndex() : SnapshotIndex.Read(previousPath);
        var id = store.NewSnapshotId(options.Clock.GetUtcNow());
        var tree = store.NewTreePath(id);
        Directory.CreateDirectory(tree);
        var context = new MirrorContext(tree, previousPath, previousIndex, new SnapshotIndex(), new StagingPool(store.StagingDirectory), Math.Max(1, options.MaxParallel), progress);
        progress?.Report(new PlanEvent([.. repositories.Select(r => StepFor(r.Id)), PublishStep]));

        bool published = false;
        try
        {
            using var http = RepositoryLoader.CreateHttpClient(options.Http);
            using var loader = new RepositoryLoader(http);
            var reports = new List<RepositorySyncReport>();
            foreach (var definition in repositories)
            {
                var step = StepFor(definition.Id);
                progress?.Report(new StepStartedEvent(step));
                var keys = await LoadKeysAsync(definition, http, cancellationToken).ConfigureAwait(false);
                var report = await SyncOneAsync(context, loader, definition, keys, options.Http, cancellationToken).ConfigureAwait(false);
                reports.Add(report);
                progress?.Report(new StepFinishedEvent(step, report.Unchanged
                    ? $"unchanged, {report.Packages} packages"
                    : $"{report.Packages} packages: {report.FilesFetched} files fetched ({report.BytesFetched} bytes), {report.FilesReused} reused"));
            }

            progress?.Report(new StepStartedEvent(PublishStep));
            bool sameSet = previousId is not null && previousIndex.Repositories.ToHashSet(StringComparer.Ordinal).SetEquals(repositories.Select(r => r.Id));
            string served;
            if (sameSet && reports.All(r => r.Unchanged))
            {
                // Nothing changed: a new snapshot would be the old one again; keep serving it.
                Directory.Delete(tree, recursive: true);
                served = previousId!;
            }
            else
            {
                context.NewIndex.Write(tree);
                store.Publish(id);
                published = true;
                served = id;
            }

            store.ClearStaging();
            var pruned = options.Keep is { } keep ? store.Prune(keep) : [];
            progress?.Report(new StepFinishedEvent(PublishStep, published
                ? $"published snapshot {served}{(pruned.Count > 0 ? $", pruned {pruned.Count}" : string.Empty)}"
                : $"up to date: current still serves snapshot {served}{(pruned.Count > 0 ? $", pruned {pruned.Count}" : string.Empty)}"));
            return new MirrorSyncReport(served, published, previousId, reports, pruned);
        }
        finally
        {
            if (!published && Directory.Exists(tree))
            {
                // The staging pool stays: the next sync resumes from it.
                TryDelete(tree);
            }
        }
    }

    private static async Task<RepositorySyncReport> SyncOneAsync(MirrorContext context, RepositoryLoader loader, RepositoryDefinition definition, OpenPgpKeyRing keys, HttpOptions http, CancellationToken cancellationToken)
    {
        if (definition.BaseUrls.Count == 0)
        {
            throw new UnsupportedInputException(definition.Origin ?? definition.Id, $"repository '{definition.Id}' has no baseurl (metalink and mirrorlist are not supported by keel mirror)");
        }

        for (int i = 0; ; i++)
        {
            var source = loader.CreateSource(definition.BaseUrls[i], http);
            try
            {
                return await new RepositoryMirror(context, definition.Id, source, keys).SyncAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (i < definition.BaseUrls.Count - 1 && IsUnreachable(ex, cancellationToken))
            {
                // An unreachable base URL is passed over for the next; a verification failure is not.
                TryDelete(Path.Combine(context.Tree, definition.Id));
            }
        }
    }

    private static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is SourceUnreachableException or HttpRequestException or TimeoutException or OperationCanceledException
            || (ex is IOException && ex is not FileNotFoundException);

    private static async Task<OpenPgpKeyRing> LoadKeysAsync(RepositoryDefinition definition, HttpClient http, CancellationToken cancellationToken) =>
        await RepositoryKeys.LoadAsync(definition, http, cancellationToken).ConfigureAwait(false)
        ?? throw new SignatureException(
            definition.Origin ?? definition.Id,
            $"repository '{definition.Id}': no trusted key, so neither repomd.xml nor a package could be verified",
            "give the vendor's public key with --key FILE, or gpgkey= in the .repo file");

    private static void CheckIds(IReadOnlyList<RepositoryDefinition> repositories)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in repositories)
        {
            if (r.Id is "." or ".." || r.Id.StartsWith('.') || !r.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                throw new UnsupportedInputException(r.Origin ?? r.Id, $"repository id '{MessageText.Printable(r.Id)}' cannot name a mirror directory (letters, digits, '-', '_', '.', ':')");
            }

            if (!seen.Add(r.Id))
            {
                throw new UnsupportedInputException(r.Origin ?? r.Id, $"repository id '{r.Id}' is given twice");
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left for the next sync, which removes abandoned trees first.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
