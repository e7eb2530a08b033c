using System.CommandLine;
using Keel.Packaging;
using Keel.Repository;
using Keel.Repository.Cache;
using Keel.Repository.Definitions;

namespace Keel.Cli.Commands;

/// <summary>What the shared repository options asked for, read once at the edge.</summary>
internal sealed record RepoRequest(IReadOnlyList<RepositoryDefinition> Definitions, KeelCache Cache, string Arch, bool ArchGiven);

/// <summary>
/// The repository options every `keel repo` command shares (--repo, --repofile, --cache, --arch, --releasever)
/// and the code that turns them into loaded repositories. Create one per command.
/// </summary>
internal sealed class RepoOptions
{
    public Option<string[]> Repo { get; } = new("--repo")
    {
        Description = "A repository: DIR, file://, http:// or https:// URL, optionally ID=SRC. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> RepoFile { get; } = new("--repofile")
    {
        Description = "A dnf .repo file; its enabled repositories are used. Repeatable.",
    };

    public Option<string?> Cache { get; } = new("--cache")
    {
        Description = "Cache directory (default $XDG_CACHE_HOME/keel or ~/.cache/keel).",
    };

    public Option<string?> Arch { get; } = new("--arch")
    {
        Description = "Target architecture: sets $arch/$basearch and keeps only packages installable on it (default: the host's, without filtering).",
    };

    public Option<string?> ReleaseVer { get; } = new("--releasever")
    {
        Description = "Value of $releasever in .repo files.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Repo);
        command.Options.Add(RepoFile);
        command.Options.Add(Cache);
        command.Options.Add(Arch);
        command.Options.Add(ReleaseVer);
    }

    /// <summary>Reads the options; throws <see cref="FormatException"/> (usage) when no repository was given.</summary>
    public RepoRequest Read(ParseResult parse)
    {
        var repos = parse.GetValue(Repo) ?? [];
        var files = parse.GetValue(RepoFile) ?? [];
        var archText = parse.GetValue(Arch);
        var arch = archText ?? ArchCompatibility.HostArch;
        var variables = RepoVariables.ForArch(arch, parse.GetValue(ReleaseVer));
        var definitions = ParseDefinitions(repos, files, variables);
        if (definitions.Count == 0)
        {
            throw new ArgumentException("no repository given: use --repo SRC or --repofile FILE.repo");
        }

        var cacheDir = parse.GetValue(Cache);
        var cache = cacheDir is null ? KeelCache.Default() : new KeelCache(cacheDir);
        return new RepoRequest(definitions, cache, arch, archText is not null);
    }

    /// <summary>Definitions from --repo specs and the enabled sections of .repo files, ids unique across both.</summary>
    public static IReadOnlyList<RepositoryDefinition> ParseDefinitions(IEnumerable<string> repos, IEnumerable<string> repoFiles, RepoVariables variables)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<RepositoryDefinition>();
        foreach (var file in repoFiles)
        {
            foreach (var def in RepoFileParser.ReadFile(file, variables))
            {
                if (!taken.Add(def.Id))
                {
                    throw new FormatException($"{def.Origin}: repository id '{def.Id}' is defined twice");
                }

                if (def.Enabled)
                {
                    result.Add(def);
                }
            }
        }

        foreach (var spec in repos)
        {
            result.Add(RepositorySpec.Parse(spec, taken));
        }

        return result;
    }

    /// <summary>Load options for <paramref name="request"/>.</summary>
    public static RepositoryLoadOptions LoadOptions(RepoRequest request, bool includeFilelists = false) => new()
    {
        Cache = request.Cache,
        IncludeFilelists = includeFilelists,
        Arches = request.ArchGiven ? ArchCompatibility.Compatible(request.Arch).ToHashSet(StringComparer.Ordinal) : null,
    };

    /// <summary>Loads every repository; one marked skip_if_unavailable that fails is reported on <paramref name="stderr"/> and left out.</summary>
    public static async Task<IReadOnlyList<LoadedRepository>> LoadAllAsync(RepositoryLoader loader, RepoRequest request, RepositoryLoadOptions options, TextWriter stderr, CancellationToken cancellationToken)
    {
        var loaded = new List<LoadedRepository>();
        foreach (var def in request.Definitions)
        {
            try
            {
                loaded.Add(await loader.LoadAsync(def, options, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (def.SkipIfUnavailable && ex is IOException or HttpRequestException or TimeoutException)
            {
                await stderr.WriteLineAsync($"keel: skipping repository '{def.Id}': {CliErrors.Describe(ex)}").ConfigureAwait(false);
            }
        }

        return loaded;
    }

    /// <summary>
    /// The best package for each name among <paramref name="candidates"/>, as dnf picks: the best-priority repository,
    /// then the highest EVR, then the preferred arch, then the cheapest repository.
    /// </summary>
    public static IReadOnlyList<PackageMetadata> BestPerName(IEnumerable<PackageMetadata> candidates, IReadOnlyList<LoadedRepository> repositories, string arch)
    {
        var repoById = repositories.ToDictionary(r => r.Id, StringComparer.Ordinal);
        return candidates
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g =>
            {
                var best = g.Min(p => repoById[p.RepositoryId!].Priority);
                return g.Where(p => repoById[p.RepositoryId!].Priority == best)
                    .OrderByDescending(p => p.Evr)
                    .ThenBy(p => ArchCompatibility.Rank(arch, p.Arch) is var r && r < 0 ? int.MaxValue : r)
                    .ThenBy(p => repoById[p.RepositoryId!].Cost)
                    .First();
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();
    }
}
