using Keel.Packaging;

namespace Keel.Sbom;

/// <summary>
/// Resolves each installed package's requires to the installed packages that provide them, as rpm checks them:
/// a versioned provide must overlap the require's range, a file require is provided by the package that owns the file.
/// </summary>
/// <remarks>
/// rpmlib() and other requires no installed package provides are left out (rpm satisfies them itself); a rich require
/// links to the providers of each of its plain operands, because which branch applied is not recorded in the rpmdb.
/// </remarks>
internal static class DependencyResolver
{
    /// <summary>For each package in <paramref name="packages"/>, the ascending indices of the other packages it requires.</summary>
    public static int[][] Resolve(IReadOnlyList<PackageMetadata> packages)
    {
        var provides = new Dictionary<string, List<(int Index, Dependency Provide)>>(StringComparer.Ordinal);
        var files = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < packages.Count; i++)
        {
            foreach (var p in packages[i].Provides)
            {
                Add(provides, p.Name, (i, p));
            }

            foreach (var f in packages[i].Files)
            {
                Add(files, f, i);
            }
        }

        var result = new int[packages.Count][];
        for (int i = 0; i < packages.Count; i++)
        {
            var found = new SortedSet<int>();
            foreach (var require in packages[i].Requires)
            {
                foreach (var leaf in Leaves(require))
                {
                    if (leaf.IsFile && files.TryGetValue(leaf.Name, out var owners))
                    {
                        found.UnionWith(owners);
                    }

                    if (provides.TryGetValue(leaf.Name, out var candidates))
                    {
                        found.UnionWith(candidates.Where(c => c.Provide.Satisfies(leaf)).Select(c => c.Index));
                    }
                }
            }

            found.Remove(i);
            result[i] = [.. found];
        }

        return result;
    }

    private static IEnumerable<Dependency> Leaves(Dependency require)
    {
        if (!require.IsRich)
        {
            return [require];
        }

        try
        {
            return Leaves(RichDependency.Parse(require.Name));
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static IEnumerable<Dependency> Leaves(RichDependency rich) => rich switch
    {
        RichLeaf leaf => [leaf.Dependency],
        RichNode node => node.Operands.Concat(node.Else is null ? [] : [node.Else]).SelectMany(Leaves),
        _ => [],
    };

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
