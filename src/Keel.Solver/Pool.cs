using Keel.Packaging;

namespace Keel.Solver;

/// <summary>
/// Every package the solver may choose from: the installed system (rpmdb) and any number of repositories, indexed
/// once for lookups by name, provide and obsolete. Package ids are dense ints (1..<see cref="Count"/>); the file
/// index is built on the first file dependency. Add everything first, then solve; a pool is not thread-safe while it
/// is being filled.
/// </summary>
public sealed class Pool
{
    private readonly List<PackageMetadata> packages = [null!];
    private readonly List<int> repoOfPackage = [-1];
    private readonly List<RepoInfo> repos = [new RepoInfo(RepoInfo.SystemId, int.MinValue, 0)];
    private readonly Dictionary<string, List<ProvideRef>> providesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> packagesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> obsoletersByName = new(StringComparer.Ordinal);
    private readonly List<int> supplementing = [];
    private readonly Dictionary<PackageMetadata, int> idOf = new(ReferenceEqualityComparer.Instance);
    private readonly Lock fileIndexLock = new();
    private Dictionary<string, int[]>? fileOwners;
    private bool installedSet;

    /// <summary>Creates an empty pool for machines of the given architecture policy.</summary>
    public Pool(ArchPolicy archPolicy)
    {
        ArgumentNullException.ThrowIfNull(archPolicy);
        ArchPolicy = archPolicy;
    }

    /// <summary>Which arches may be installed and which is preferred.</summary>
    public ArchPolicy ArchPolicy { get; }

    /// <summary>
    /// dnf's rule: for each package name only the repositories with the best (lowest) priority that carry the name are
    /// considered at all. When false, priority only orders candidates (libsolv's own behaviour, used by test cases).
    /// </summary>
    public bool PriorityExcludesByName { get; init; } = true;

    /// <summary>The repositories in the order they were added; index 0 is the installed system.</summary>
    public IReadOnlyList<RepoInfo> Repositories => repos;

    /// <summary>How many packages the pool holds (installed ones included).</summary>
    public int Count => packages.Count - 1;

    /// <summary>Every package of the pool, installed ones included, in the order they were added.</summary>
    public IEnumerable<PackageMetadata> Packages => packages.Skip(1);

    /// <summary>The installed packages.</summary>
    public IEnumerable<PackageMetadata> Installed
    {
        get
        {
            for (int i = 1; i < packages.Count; i++)
            {
                if (repoOfPackage[i] == 0)
                {
                    yield return packages[i];
                }
            }
        }
    }

    /// <summary>Adds a repository and its packages.</summary>
    public void AddRepository(RepoInfo repo, IEnumerable<PackageMetadata> content)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(content);
        if (repo.Id == RepoInfo.SystemId || repos.Any(r => r.Id == repo.Id))
        {
            throw new ArgumentException($"repository id '{repo.Id}' is already in the pool", nameof(repo));
        }

        repos.Add(repo);
        AddPackages(repos.Count - 1, content);
    }

    /// <summary>Sets the installed system (the rpmdb's packages); may be called once.</summary>
    public void SetInstalled(IEnumerable<PackageMetadata> installed)
    {
        ArgumentNullException.ThrowIfNull(installed);
        if (installedSet)
        {
            throw new InvalidOperationException("the installed set of a pool can only be set once");
        }

        installedSet = true;
        AddPackages(0, installed);
    }

    /// <summary>The repository a pool package came from (<see cref="RepoInfo.SystemId"/> for installed ones).</summary>
    public RepoInfo RepositoryOf(PackageMetadata package) => repos[repoOfPackage[IdOf(package)]];

    /// <summary>Whether <paramref name="package"/> is one of the installed packages of this pool.</summary>
    public bool IsInstalled(PackageMetadata package) => repoOfPackage[IdOf(package)] == 0;

    internal int IdOf(PackageMetadata package) =>
        idOf.TryGetValue(package, out var id) ? id : throw new ArgumentException($"package {package} is not in the pool", nameof(package));

    internal PackageMetadata Package(int id) => packages[id];

    internal int RepoIndex(int id) => repoOfPackage[id];

    internal RepoInfo Repo(int id) => repos[repoOfPackage[id]];

    internal bool IsSystem(int id) => repoOfPackage[id] == 0;

    internal List<int>? PackagesNamed(string name) => packagesByName.GetValueOrDefault(name);

    internal IEnumerable<List<int>> NameGroups => packagesByName.Values;

    internal List<ProvideRef>? ProvidesNamed(string name) => providesByName.GetValueOrDefault(name);

    internal List<int>? ObsoletersOf(string name) => obsoletersByName.GetValueOrDefault(name);

    /// <summary>Packages with supplements or enhances (candidates for libsolv's weak-dependency rules).</summary>
    internal List<int> Supplementing => supplementing;

    /// <summary>Packages owning <paramref name="path"/> (from their file lists), built on first use.</summary>
    internal int[] FileOwners(string path)
    {
        var index = fileOwners;
        if (index is null)
        {
            lock (fileIndexLock)
            {
                index = fileOwners ??= BuildFileIndex();
            }
        }

        return index.GetValueOrDefault(path) ?? [];
    }

    private Dictionary<string, int[]> BuildFileIndex()
    {
        var lists = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int id = 1; id < packages.Count; id++)
        {
            foreach (var file in packages[id].Files)
            {
                if (!lists.TryGetValue(file, out var owners))
                {
                    lists[file] = owners = new List<int>(1);
                }

                owners.Add(id);
            }
        }

        return lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    private void AddPackages(int repoIndex, IEnumerable<PackageMetadata> content)
    {
        if (fileOwners is not null)
        {
            throw new InvalidOperationException("packages cannot be added after the pool has been used to solve");
        }

        foreach (var pkg in content)
        {
            if (idOf.ContainsKey(pkg))
            {
                throw new ArgumentException($"package {pkg} was added to the pool twice", nameof(content));
            }

            int id = packages.Count;
            packages.Add(pkg);
            repoOfPackage.Add(repoIndex);
            idOf[pkg] = id;
            Append(packagesByName, pkg.Name, id);

            bool selfProvided = false;
            foreach (var provide in pkg.Provides)
            {
                AppendProvide(provide.Name, new ProvideRef(id, provide.Flags, provide.Evr));
                selfProvided |= provide.Name == pkg.Name && provide.Flags == DependencyFlags.Equal && provide.Evr is not null && provide.Evr.CompareTo(pkg.Evr) == 0;
            }

            if (!selfProvided)
            {
                AppendProvide(pkg.Name, new ProvideRef(id, DependencyFlags.Equal, pkg.Evr));
            }

            foreach (var obsolete in pkg.Obsoletes)
            {
                Append(obsoletersByName, obsolete.Name, id);
            }

            if (pkg.Supplements.Count > 0 || pkg.Enhances.Count > 0)
            {
                supplementing.Add(id);
            }
        }
    }

    private void AppendProvide(string name, ProvideRef provide)
    {
        if (!providesByName.TryGetValue(name, out var list))
        {
            providesByName[name] = list = new List<ProvideRef>(1);
        }

        list.Add(provide);
    }

    private static void Append(Dictionary<string, List<int>> index, string key, int id)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = new List<int>(1);
        }

        if (list.Count == 0 || list[^1] != id)
        {
            list.Add(id);
        }
    }
}

/// <summary>One provide of one package, as the provides index stores it.</summary>
internal readonly record struct ProvideRef(int Package, DependencyFlags Flags, Evr? Evr);
