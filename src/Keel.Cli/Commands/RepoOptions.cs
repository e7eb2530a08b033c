using System.CommandLine;
using Keel.Errors;
using Keel.Install;
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
        Description = "A repository: DIR, file://, http:// or https:// URL, optionally ID=SRC; its key comes from --repo-key or --repo-key-fingerprint, never from the repository itself. Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> RepoFile { get; } = new("--repofile")
    {
        Description = "A dnf .repo file; its enabled repositories are used. Repeatable.",
    };

    public Option<string[]> RepoKey { get; } = new("--repo-key")
    {
        Description = "A trusted key (FILE or https:// URL) for the --repo repositories: turns on package (gpgcheck) and repomd.xml (repo_gpgcheck) signature checks. Repeatable.",
    };

    public Option<string[]> RepoKeyFingerprint { get; } = new("--repo-key-fingerprint")
    {
        Description = "Pin a key by its fingerprint (40 hex digits): only matching keys count, and with no --repo-key the RPM-GPG-KEY-* files of a --repo directory are used when they match. Repeatable.",
    };

    public Option<bool> NoGpgCheck { get; } = new("--nogpgcheck")
    {
        Description = "Do not check package or repomd.xml signatures of any repository (warned about; for unsigned test repositories only).",
    };

    public Option<string?> MetadataMaxAge { get; } = new("--metadata-max-age")
    {
        Description = "Refuse repository metadata whose newest timestamp is older than this (seconds, or e.g. 12h, 7d).",
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
        command.Options.Add(RepoKey);
        command.Options.Add(RepoKeyFingerprint);
        command.Options.Add(NoGpgCheck);
        command.Options.Add(MetadataMaxAge);
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

        definitions = ApplyTrust(definitions, parse.GetValue(RepoKey) ?? [], parse.GetValue(RepoKeyFingerprint) ?? [], parse.GetValue(NoGpgCheck), parse.GetValue(MetadataMaxAge), parse.InvocationConfiguration.Error);

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

    /// <summary>
    /// Gives the --repo repositories the operator's keys and pins (a --repo definition has gpgcheck on and no key until
    /// then, so downloading from it is refused: a mirror never vouches for itself), and applies --nogpgcheck (warned
    /// about) and --metadata-max-age to every repository.
    /// </summary>
    public static IReadOnlyList<RepositoryDefinition> ApplyTrust(IReadOnlyList<RepositoryDefinition> definitions, IReadOnlyList<string> keys, IReadOnlyList<string> fingerprints, bool noGpgCheck, string? maxAge, TextWriter stderr)
    {
        var pins = RepositoryOverride.NormalizePins(fingerprints);
        var keyLocations = RepositoryOverride.KeyLocations(keys);
        var age = maxAge is null ? (TimeSpan?)null : ParseAge(maxAge);
        var result = new List<RepositoryDefinition>();
        foreach (var def in definitions)
        {
            var d = def;
            if (IsCommandLine(d) && (keyLocations.Count > 0 || pins.Count > 0))
            {
                var own = keyLocations.Count > 0 ? keyLocations : MirrorKeys(d);
                d = d with { GpgKeys = own, GpgKeyFingerprints = pins, GpgCheck = true, RepoGpgCheck = true };
            }

            if (noGpgCheck && (d.GpgCheck || d.RepoGpgCheck))
            {
                stderr.WriteLine($"keel: warning: --nogpgcheck: repository '{d.Id}': package and metadata signatures are not checked");
                d = d with { GpgCheck = false, RepoGpgCheck = false };
            }

            if (age is not null)
            {
                d = d with { MetadataMaxAge = age };
            }

            result.Add(d);
        }

        return result;
    }

    /// <summary>Build/install's repository options (--repo DIR, --repo-key, --repo-key-fingerprint, --nogpgcheck).</summary>
    internal sealed class Override
    {
        public Option<string> Repo { get; } = new("--repo")
        {
            Description = "Read the repository from this directory instead of the config's repository path. Keys still come from the config (never from DIR itself) unless --repo-key or --repo-key-fingerprint is given.",
        };

        public Option<string[]> RepoKey { get; } = new("--repo-key")
        {
            Description = "A trusted key FILE for the --repo directory, replacing the config's keys. Repeatable.",
        };

        public Option<string[]> RepoKeyFingerprint { get; } = new("--repo-key-fingerprint")
        {
            Description = "Trust the --repo directory's RPM-GPG-KEY-* file (or --repo-key) only if its fingerprint is this one (40 hex digits). Repeatable.",
        };

        public Option<bool> NoGpgCheck { get; } = new("--nogpgcheck")
        {
            Description = "Do not check package or repomd.xml signatures (warned about; for unsigned test repositories only).",
        };

        /// <summary>Adds the options to <paramref name="command"/>.</summary>
        public void AddTo(Command command)
        {
            command.Options.Add(Repo);
            command.Options.Add(RepoKey);
            command.Options.Add(RepoKeyFingerprint);
            command.Options.Add(NoGpgCheck);
        }

        /// <summary>The request, or null when none of the options was given.</summary>
        public RepositoryOverrideRequest? Read(ParseResult parse)
        {
            var dir = parse.GetValue(Repo);
            var keys = parse.GetValue(RepoKey) ?? [];
            var pins = parse.GetValue(RepoKeyFingerprint) ?? [];
            var off = parse.GetValue(NoGpgCheck);
            return dir is null && keys.Length == 0 && pins.Length == 0 && !off ? null : new RepositoryOverrideRequest(dir, keys, pins, off);
        }
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
                await stderr.WriteLineAsync($"keel: skipping repository '{def.Id}': {ExitCodes.Describe(ex)}").ConfigureAwait(false);
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

    private static bool IsCommandLine(RepositoryDefinition definition) => definition.Origin?.StartsWith("--repo ", StringComparison.Ordinal) == true;

    // A local --repo directory's own key files: candidates only, each must match a pin (RepositoryKeys refuses the rest).
    private static List<string> MirrorKeys(RepositoryDefinition definition)
    {
        var dir = definition.BaseUrls[0];
        dir = dir.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(dir).LocalPath : dir;
        return !dir.Contains("://", StringComparison.Ordinal) && Directory.Exists(dir)
            ? RepositoryOverride.MirrorKeyFiles(dir)
            : throw new ArgumentException($"--repo-key-fingerprint without --repo-key needs a local --repo directory holding RPM-GPG-KEY-* files; '{definition.BaseUrls[0]}' is not one");
    }

    private static TimeSpan ParseAge(string text)
    {
        try
        {
            return RepositoryDefinition.ParseMaxAge(text);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"--metadata-max-age {ex.Message}", ex);
        }
    }
}
