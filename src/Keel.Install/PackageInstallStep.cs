using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Packaging;
using Keel.Progress;
using Keel.Repository;
using Keel.Repository.Cache;
using Keel.Repository.Download;
using Keel.Repository.Resolution;
using Keel.Solver;

namespace Keel.Install;

/// <summary>Settings of the package step.</summary>
public sealed record PackageInstallOptions
{
    /// <summary>Repository metadata and package cache; null means <see cref="KeelCache.Default"/>.</summary>
    public KeelCache? Cache { get; init; }

    /// <summary>Packages downloaded at once.</summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary>The rpm executable (found on PATH when not a path).</summary>
    public string RpmExecutable { get; init; } = "rpm";

    /// <summary>Install time recorded in the rpmdb (SOURCE_DATE_EPOCH); null: now.</summary>
    public long? SourceDateEpoch { get; init; }

    /// <summary>`keel build --pin`: install exactly this manifest's packages instead of solving the config's request.</summary>
    public PackagePin? Pin { get; init; }
}

/// <summary>A package set to rebuild exactly (an image manifest's), and where it came from, for messages.</summary>
public sealed record PackagePin(string Source, IReadOnlyList<Keel.ImageManifest.ManifestPackage> Packages);

/// <summary>What the package step installed.</summary>
public sealed record PackageInstallResult(string Root, IReadOnlyList<PackageMetadata> Installed);

/// <summary>
/// The engine's package steps: resolve the config's package request against its repositories (packages.resolve),
/// download and verify every package (packages.download), import the repository keys into the target rpmdb and install
/// everything in one rpm transaction (packages.install). The phases run in that order on one instance, which holds the
/// loaded repositories in between; <see cref="RunAsync"/> runs all three.
/// </summary>
public sealed class PackageInstallStep : IDisposable
{
    /// <summary>Where packages are staged inside the root while rpm installs them; removed afterwards.</summary>
    public const string StagingDirectory = "var/cache/keel/packages";

    private readonly PackageInstallOptions _options;
    private readonly RepositoryLoader _loader = new();
    private string _target = "";
    private IReadOnlyList<LoadedRepository> _repos = [];
    private IReadOnlyList<PackageMetadata> _packages = [];
    private IReadOnlyList<DownloadResult> _files = [];

    public PackageInstallStep(PackageInstallOptions? options = null) => _options = options ?? new PackageInstallOptions();

    /// <summary>The repositories packages.resolve loaded (empty before it ran).</summary>
    public IReadOnlyList<LoadedRepository> Repositories => _repos;

    /// <summary>The resolved package set, each with the repository it comes from (empty before packages.resolve ran).</summary>
    public IReadOnlyList<PackageMetadata> Resolved => _packages;

    /// <summary>Runs every phase for <paramref name="loaded"/> into <paramref name="root"/> (created when missing; must be empty, never /).</summary>
    public async Task<PackageInstallResult> RunAsync(
        LoadedConfig loaded,
        PackageRequest request,
        string root,
        IProgress<EngineEvent>? progress = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await ResolveAsync(loaded, request, root, progress, cancellationToken).ConfigureAwait(false);
            await DownloadAsync(progress, cancellationToken).ConfigureAwait(false);
            return await InstallAsync(progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>packages.resolve: checks the root, loads the repositories and solves the request.</summary>
    public async Task ResolveAsync(LoadedConfig loaded, PackageRequest request, string root, IProgress<EngineEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        _target = InstallRoot.Prepare(root);
        var arch = ConfigRepositories.ArchName(loaded.Config.Arch);
        progress?.Report(new ProgressEvent("packages.resolve", $"loading {loaded.Config.Repositories.Count} repositories", 0, request.Install.Count));
        _repos = await LoadRepositoriesAsync(_loader, loaded, arch, Cache, cancellationToken).ConfigureAwait(false);
        _packages = _options.Pin is { } pin ? Pinned(pin, _repos) : Resolve(loaded, request, _repos, arch);
        progress?.Report(new ProgressEvent("packages.resolve", $"resolved {_packages.Count} packages", _packages.Count, _packages.Count));
    }

    /// <summary>packages.download: fetches every resolved package into the root's staging directory, verified.</summary>
    public async Task DownloadAsync(IProgress<EngineEvent>? progress, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(_target, StagingDirectory);
        var verifier = await RepositoryPackageVerifier.CreateAsync(_loader, _repos, cancellationToken).ConfigureAwait(false);
        var downloader = new PackageDownloader(verifier, new DownloadOptions { Cache = Cache, MaxParallel = _options.MaxParallel });
        int done = 0;
        var downloadProgress = new CallbackProgress<DownloadProgress>(p =>
        {
            if (p.State is DownloadState.Completed or DownloadState.Reused)
            {
                progress?.Report(new ProgressEvent("packages.download", $"{p.Package.Nevra}", Interlocked.Increment(ref done), _packages.Count));
            }
        });
        try
        {
            // The downloader runs the verifier on cached copies too, so a key change since caching is caught there.
            _files = await downloader.DownloadAsync(_packages, _repos, staging, downloadProgress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KeelException or InvalidDataException or IOException or HttpRequestException)
        {
            throw DownloadFailure(ex);
        }

        progress?.Report(new ProgressEvent("packages.download", $"downloaded and verified {_files.Count} packages", _files.Count, _packages.Count));
    }

    /// <summary>packages.install: imports the keys into the target rpmdb and installs the downloaded set in one rpm transaction.</summary>
    public async Task<PackageInstallResult> InstallAsync(IProgress<EngineEvent>? progress, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(_target, StagingDirectory);
        var rpm = new RpmRunner(_target, _options.RpmExecutable, _options.SourceDateEpoch);
        foreach (var key in KeyFiles(_repos))
        {
            await rpm.RunAsync("packages.install", ["--import", key], cancellationToken).ConfigureAwait(false);
        }

        // One transaction: rpm orders the whole set by its dependencies and runs scriptlets in that order. When every
        // repository has gpgcheck on, rpm checks the signatures again itself against the keys just imported.
        var level = _repos.All(r => r.Definition.GpgCheck) ? "all" : "digest";
        List<string> args = ["-i", "--quiet", "--define", "_pkgverify_level " + level];
        if (await rpm.NeedsForceDebianAsync(cancellationToken).ConfigureAwait(false))
        {
            args.Add("--force-debian");
        }

        args.AddRange(_files.Select(f => f.Path));
        progress?.Report(new ProgressEvent("packages.install", $"installing {_files.Count} packages with rpm", 0, _files.Count));
        await rpm.RunAsync("packages.install", args, cancellationToken).ConfigureAwait(false);
        Directory.Delete(staging, recursive: true);
        RemoveIdleSqliteFiles(Path.Combine(_target, RpmRunner.DbPath.TrimStart('/')));

        // var/cache belongs to the installed filesystem package; only Keel's own folder is removed, and only when empty.
        var keelCache = Path.GetDirectoryName(staging)!;
        if (!Directory.EnumerateFileSystemEntries(keelCache).Any())
        {
            Directory.Delete(keelCache);
        }

        progress?.Report(new ProgressEvent("packages.install", $"installed {_files.Count} packages", _files.Count, _files.Count));
        return new PackageInstallResult(_target, _packages);
    }

    public void Dispose() => _loader.Dispose();

    private KeelCache Cache => _options.Cache ?? KeelCache.Default();

    private static async Task<IReadOnlyList<LoadedRepository>> LoadRepositoriesAsync(RepositoryLoader loader, LoadedConfig loaded, string arch, KeelCache cache, CancellationToken cancellationToken)
    {
        var definitions = ConfigRepositories.Definitions(loaded);
        if (definitions.Count == 0)
        {
            throw new InvalidDataException($"{loaded.Source}: packages.resolve: the config names no repositories");
        }

        var options = new RepositoryLoadOptions
        {
            Cache = cache,
            Arches = ArchCompatibility.Compatible(arch).ToHashSet(StringComparer.Ordinal),
        };
        var repos = new List<LoadedRepository>();
        foreach (var def in definitions)
        {
            repos.Add(await loader.LoadAsync(def, options, cancellationToken).ConfigureAwait(false));
        }

        return repos;
    }

    /// <summary>
    /// The exact packages of <paramref name="pin"/>, each from the first repository (in the config's order) that still has
    /// that name, epoch, version, release and arch; the first one no repository has is one error naming it.
    /// </summary>
    internal static IReadOnlyList<PackageMetadata> Pinned(PackagePin pin, IReadOnlyList<LoadedRepository> repos)
    {
        var result = new List<PackageMetadata>();
        foreach (var wanted in pin.Packages.OrderBy(p => p.Nevra, StringComparer.Ordinal))
        {
            var found = repos.SelectMany(r => r.Packages).FirstOrDefault(p => p.Name == wanted.Name && p.Arch == wanted.Arch
                && p.Evr.EpochNumber == (wanted.Epoch ?? 0) && p.Evr.Version == wanted.Version && (p.Evr.Release ?? "") == wanted.Release);
            if (found is null)
            {
                throw new KeelException(ReasonCodes.Unsatisfiable, wanted.Nevra,
                    $"{pin.Source}: --pin: {wanted.Nevra} is in none of the repositories ({string.Join(", ", repos.Select(r => $"{r.Id} revision {r.Revision}"))})",
                    "add a repository (or an older snapshot) that still has it, or build without --pin");
            }

            result.Add(found);
        }

        return result;
    }

    private static IReadOnlyList<PackageMetadata> Resolve(LoadedConfig loaded, PackageRequest request, IReadOnlyList<LoadedRepository> repos, string arch)
    {
        // Excluded names are hidden from the pool (dnf's excludepkgs), so no dependency can bring them back.
        var pool = PackageSpecResolver.BuildPool(repos, arch, request.Exclude);
        SpecJobs jobs;
        try
        {
            jobs = PackageSpecResolver.Jobs(request.Install, repos, pool);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{loaded.Source}: packages.resolve: {ex.Message}", ex);
        }

        var result = Keel.Solver.Solver.Solve(pool, jobs.Jobs, new SolverOptions());
        if (!result.Succeeded)
        {
            // A name that matches nothing is most often a typo: offer the closest package name of the repositories.
            var names = repos.SelectMany(r => r.Packages).Select(p => p.Name).Distinct(StringComparer.Ordinal).ToList();
            var hints = request.Install
                .Where(spec => !PackageSpecResolver.IsGroup(spec) && result.Problems.Any(p => p.Message.Contains($"no package matches '{spec}'", StringComparison.Ordinal)))
                .Select(spec => Suggestions.Closest(spec, names) is { } close ? $" (did you mean '{close}' for '{spec}'?)" : "");
            throw new InvalidDataException($"{loaded.Source}: packages.resolve: {string.Join("; ", result.Problems.Select(p => p.Message))}{string.Concat(hints)}");
        }

        return [.. result.Transaction!.Install.OrderBy(p => p.Nevra, StringComparer.Ordinal)];
    }

    // rpm leaves SQLite's WAL index (-shm, random bytes) and an empty WAL beside the database. With the WAL empty every
    // change is in rpmdb.sqlite already, so both go: the image stays reproducible and the machine starts clean.
    private static void RemoveIdleSqliteFiles(string dbDirectory)
    {
        var wal = Path.Combine(dbDirectory, "rpmdb.sqlite-wal");
        if (File.Exists(wal) && new FileInfo(wal).Length == 0)
        {
            File.Delete(wal);
            File.Delete(Path.Combine(dbDirectory, "rpmdb.sqlite-shm"));
        }
    }

    /// <summary>
    /// The download failure as the step reports it: one line starting with the step, and the reason kept (a bad
    /// signature stays signature-invalid, an unreachable server repository-unreachable), never matched from the text.
    /// </summary>
    internal static Exception DownloadFailure(Exception ex)
    {
        var message = $"packages.download: {Summarize(ex.Message)}";
        return ex switch
        {
            KeelException keel => new KeelException(keel.Reason, keel.Input, message, keel.Hint, ex),
            HttpRequestException => new SourceUnreachableException("", message, null, ex),
            _ => new InvalidDataException(message, ex),
        };
    }

    // The downloader joins one message per failed package; the first says what went wrong, the count says how widely.
    private static string Summarize(string message)
    {
        var parts = message.Split("; ");
        return parts.Length <= 2 ? message : $"{parts[0]} (and {parts.Length - 1} more like it)";
    }

    // rpm reads the key files from the host before it touches the root; only keys of gpgcheck repositories go in.
    private static IEnumerable<string> KeyFiles(IReadOnlyList<LoadedRepository> repos)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in repos.Where(r => r.Definition.GpgCheck).SelectMany(r => r.Definition.GpgKeys))
        {
            var path = key.StartsWith("file://", StringComparison.Ordinal) ? new Uri(key).LocalPath
                : ConfigRepositories.IsUrl(key) ? throw new NotSupportedException($"packages.install: key {key}: only local key files are imported into the target rpmdb yet")
                : key;
            if (seen.Add(path))
            {
                yield return path;
            }
        }
    }
}
