using System.CommandLine;
using Keel.Cli.Progress;
using Keel.Errors;
using Keel.Mirror;
using Keel.Repository;
using Keel.Repository.Definitions;

namespace Keel.Cli.Commands;

/// <summary>`keel mirror sync SRC... DEST`: verify and publish a new snapshot of repositories.</summary>
internal static class MirrorSyncCommand
{
    private const string DefaultRepoDir = "/etc/yum.repos.d";

    public static Command Create()
    {
        var args = new Argument<string[]>("SRC... DEST")
        {
            Description = "Repositories to mirror, then the mirror directory. A SRC is a repository id from a .repo file (--repofile, " +
                "default " + DefaultRepoDir + "/*.repo), or a base URL (http://, https://, file://) or directory, optionally ID=SRC.",
            Arity = new ArgumentArity(2, 1000),
        };
        var keys = new Option<string[]>("--key")
        {
            Description = "The vendor's public key (FILE or https:// URL) that signs repomd.xml and the packages; for URL/directory " +
                "sources, and for .repo repositories without gpgkey. Repeatable.",
        };
        var repoFiles = new Option<string[]>("--repofile") { Description = "A .repo file to look repository ids up in. Repeatable." };
        var keep = new Option<int?>("--keep") { Description = "Keep this many snapshots (the current one always among them); older ones are removed." };
        var parallel = new Option<int>("--parallel") { Description = "Files fetched and verified at once.", DefaultValueFactory = _ => 4 };
        var releaseVer = new Option<string?>("--releasever") { Description = "Value of $releasever in .repo files." };
        var arch = new Option<string?>("--arch") { Description = "Value of $arch/$basearch in .repo files (default: the host's)." };
        var progress = ProgressOptions.Create();
        var cmd = new Command(
            "sync",
            "Mirror repositories into DEST as a new snapshot, published only when everything verified: repomd.xml against its " +
            "signature (repomd.xml.asc) by the repository's key, every metadata file against repomd's checksums, every package " +
            "against primary's checksum and its own signature. Only new or changed files are fetched (the rest are hard-linked " +
            "from the previous snapshot); a killed sync is resumed by the next. Clients use DEST/current/ID/ as baseurl " +
            "(file:// or any web server) with the vendor's key: the upstream files, repomd.xml.asc included, are kept byte for byte.\n\n" +
            "Layout: DEST/snapshots/ID/REPO/..., DEST/current -> snapshots/ID (switched atomically).\n\n" +
            "Examples:\n" +
            "  keel mirror sync --key RPM-GPG-KEY-vendor https://mirror.example/os/x86_64 /srv/mirror\n" +
            "  keel mirror sync --repofile vendor.repo --keep 3 base updates /srv/mirror\n" +
            "  keel mirror sync --key KEY base=https://a.example/base updates=https://a.example/updates /srv/mirror")
        {
            args, keys, repoFiles, keep, parallel, releaseVer, arch, progress,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            var all = parse.GetValue(args)!;
            var destination = all[^1];
            var variables = RepoVariables.ForArch(parse.GetValue(arch) ?? ArchCompatibility.HostArch, parse.GetValue(releaseVer));
            var definitions = Definitions(all[..^1], parse.GetValue(repoFiles) ?? [], parse.GetValue(keys) ?? [], variables);
            var options = new MirrorSyncOptions { Destination = destination, Keep = parse.GetValue(keep), MaxParallel = parse.GetValue(parallel) };
            using var reporter = ProgressOptions.CreateReporter(parse.GetValue(progress)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var report = await new MirrorSyncer().SyncAsync(definitions, options, reporter, ct).ConfigureAwait(false);
            var fetched = report.Repositories.Sum(r => r.FilesFetched);
            var bytes = report.Repositories.Sum(r => r.BytesFetched);
            var pruned = report.Pruned.Count > 0 ? $"; pruned {string.Join(", ", report.Pruned)}" : string.Empty;
            reporter.Complete(report.Published
                ? $"published snapshot {report.Snapshot} ({fetched} files fetched, {bytes} bytes); {Path.Combine(destination, "current")} -> snapshots/{report.Snapshot}{pruned}"
                : $"up to date: {Path.Combine(destination, "current")} -> snapshots/{report.Snapshot} (nothing fetched){pruned}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>One definition per SRC: URL or directory specs take --key; ids come from the .repo files.</summary>
    internal static IReadOnlyList<RepositoryDefinition> Definitions(IReadOnlyList<string> sources, IReadOnlyList<string> repoFiles, IReadOnlyList<string> keys, RepoVariables variables)
    {
        var keyLocations = keys.Select(k => k.Contains("://", StringComparison.Ordinal) ? k : Path.GetFullPath(k)).ToArray();
        Dictionary<string, RepositoryDefinition>? fromFiles = null;
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<RepositoryDefinition>();
        foreach (var source in sources)
        {
            RepositoryDefinition definition;
            if (source.Contains('/', StringComparison.Ordinal) || source.Contains('=', StringComparison.Ordinal))
            {
                definition = RepositorySpec.Parse(source, taken) with { GpgKeys = keyLocations, GpgCheck = true, RepoGpgCheck = true, Origin = "SRC " + source };
            }
            else
            {
                fromFiles ??= ReadRepoFiles(repoFiles, variables);
                if (!fromFiles.TryGetValue(source, out var found))
                {
                    throw new ArgumentException($"repository id '{source}' is in none of {(repoFiles.Count > 0 ? string.Join(", ", repoFiles) : DefaultRepoDir + "/*.repo")}; give a URL or directory, or --repofile FILE");
                }

                definition = found.GpgKeys.Count == 0 ? found with { GpgKeys = keyLocations } : found;
                if (!taken.Add(definition.Id))
                {
                    throw new ArgumentException($"repository id '{definition.Id}' is given twice");
                }
            }

            result.Add(definition);
        }

        return result;
    }

    private static Dictionary<string, RepositoryDefinition> ReadRepoFiles(IReadOnlyList<string> repoFiles, RepoVariables variables)
    {
        var files = repoFiles.Count > 0 ? repoFiles
            : Directory.Exists(DefaultRepoDir) ? [.. Directory.EnumerateFiles(DefaultRepoDir, "*.repo").Order(StringComparer.Ordinal)] : [];
        var byId = new Dictionary<string, RepositoryDefinition>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var definition in RepoFileParser.ReadFile(file, variables))
            {
                // A disabled repository can still be mirrored by naming it: mirrors often carry what machines enable later.
                byId.TryAdd(definition.Id, definition);
            }
        }

        return byId;
    }
}
