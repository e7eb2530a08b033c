using Keel.Installer.Api;
using Keel.Packaging;

namespace Keel.Installer.Service.Packages;

/// <summary>A name (or provide, or file path) the selection was asked for, and who asked ("the preset container-host", "your addition").</summary>
public sealed record RequestedPackage(string Spec, string Origin);

/// <summary>
/// "Why is this package here?": for each package of a resolved selection, the shortest chain of requires from a request
/// to it ("podman: requested by the preset container-host", "podman requires conmon (conmon >= 2.0)", ...). A link is a
/// Requires of one selected package that a Provide (or a file) of another selected package satisfies, matched with
/// <see cref="Dependency.Satisfies"/>, the same range check the solver's pool applies. Only when no requires chain
/// reaches a package are weak dependencies followed, as the solver adds those packages too: Recommends, and Supplements
/// (a package that supplements a selected one, such as microcode_ctl supplementing kernel-core).
/// </summary>
public sealed class PackageReasons
{
    private readonly Dictionary<string, PackageMetadata> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(PackageMetadata Package, Dependency Provide)>> provides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PackageMetadata>> fileOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> rootOrigin = new(StringComparer.Ordinal);
    private readonly List<PackageMetadata> roots = [];
    private readonly Dictionary<string, (PackageMetadata From, string Link)?> strong;
    private readonly Lazy<Dictionary<string, (PackageMetadata From, string Link)?>> weak;

    /// <summary>Indexes <paramref name="selection"/> (a transaction's Install list) and finds each request's packages in it.</summary>
    public PackageReasons(IEnumerable<PackageMetadata> selection, IEnumerable<RequestedPackage> requested)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(requested);
        foreach (var p in selection)
        {
            // One package per name: the selection installs one version of each (install-only kernels keep the first).
            if (!byName.TryAdd(p.Name, p))
            {
                continue;
            }

            // rpm adds "NAME = EVR" to every package's provides; metadata usually lists it, and a repeat does no harm.
            foreach (var provide in p.Provides.Append(new Dependency(p.Name, DependencyFlags.Equal, p.Evr)))
            {
                (provides.TryGetValue(provide.Name, out var list) ? list : provides[provide.Name] = []).Add((p, provide));
            }

            foreach (var file in p.Files)
            {
                (fileOwners.TryGetValue(file, out var list) ? list : fileOwners[file] = []).Add(p);
            }
        }

        foreach (var request in requested)
        {
            foreach (var p in Matching(request.Spec))
            {
                if (rootOrigin.TryAdd(p.Name, request.Origin))
                {
                    roots.Add(p);
                }
            }
        }

        strong = Search(p => Forward(p, p.Requires, "requires"));
        weak = new(() =>
        {
            var supplementing = new Dictionary<string, List<(PackageMetadata By, Dependency Dep)>>(StringComparer.Ordinal);
            foreach (var q in byName.Values)
            {
                foreach (var dep in q.Supplements)
                {
                    foreach (var p in Providers(dep))
                    {
                        (supplementing.TryGetValue(p.Name, out var list) ? list : supplementing[p.Name] = []).Add((q, dep));
                    }
                }
            }

            return Search(p => Forward(p, p.Requires, "requires").Concat(Forward(p, p.Recommends, "recommends"))
                .Concat(supplementing.GetValueOrDefault(p.Name, []).Select(s => (s.By, $"{s.By.Name} supplements {p.Name} ({s.Dep})"))));
        });
    }

    /// <summary>Why <paramref name="name"/> is selected: a chain starting at a request; not selected: "not in the selection".</summary>
    public WhyAnswer Explain(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!byName.TryGetValue(name, out var package))
        {
            return new WhyAnswer(name, false, ["not in the selection"]);
        }

        var parents = strong.ContainsKey(name) ? strong : weak.Value;
        if (!parents.ContainsKey(name))
        {
            return new WhyAnswer(name, true, [$"{name}: chosen by the solver; no requires or recommends of a requested package leads to it"]);
        }

        var links = new List<string>();
        var current = package;
        while (parents[current.Name] is { } step)
        {
            links.Add(step.Link);
            current = step.From;
        }

        links.Add($"{current.Name}: requested by {rootOrigin[current.Name]}");
        links.Reverse();
        return new WhyAnswer(name, true, links);
    }

    /// <summary>The selected packages that satisfy <paramref name="dependency"/> (a rich dependency: any of its leaves).</summary>
    public IReadOnlyList<PackageMetadata> Providers(Dependency dependency)
    {
        ArgumentNullException.ThrowIfNull(dependency);
        if (dependency.IsRich)
        {
            RichDependency rich;
            try
            {
                rich = RichDependency.Parse(dependency.Name);
            }
            catch (FormatException)
            {
                return [];
            }

            return Leaves(rich).SelectMany(Providers).Distinct().ToList();
        }

        var result = new List<PackageMetadata>();
        if (provides.TryGetValue(dependency.Name, out var list))
        {
            result.AddRange(list.Where(e => e.Provide.Satisfies(dependency)).Select(e => e.Package));
        }

        if (dependency.IsFile && fileOwners.TryGetValue(dependency.Name, out var owners))
        {
            result.AddRange(owners);
        }

        return result.Distinct().ToList();
    }

    private IEnumerable<PackageMetadata> Matching(string spec)
    {
        if (byName.TryGetValue(spec, out var named))
        {
            return [named];
        }

        try
        {
            return Providers(Dependency.Parse(spec));
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static IEnumerable<Dependency> Leaves(RichDependency rich) => rich switch
    {
        RichLeaf leaf => [leaf.Dependency],
        RichNode node => node.Operands.Append(node.Else).OfType<RichDependency>().SelectMany(Leaves),
        _ => [],
    };

    // The selected packages that p's dependencies of one kind lead to, with the sentence for each link.
    private IEnumerable<(PackageMetadata To, string Link)> Forward(PackageMetadata p, IReadOnlyList<Dependency> dependencies, string verb)
    {
        foreach (var dep in dependencies)
        {
            // rpmlib() requires are rpm's own features, satisfied by no package.
            if (dep.Name.StartsWith("rpmlib(", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var q in Providers(dep))
            {
                yield return (q, $"{p.Name} {verb} {q.Name} ({dep})");
            }
        }
    }

    // Breadth first from every request at once, in request order: the first path found to a package is a shortest one.
    private Dictionary<string, (PackageMetadata From, string Link)?> Search(Func<PackageMetadata, IEnumerable<(PackageMetadata To, string Link)>> edges)
    {
        var parent = new Dictionary<string, (PackageMetadata, string)?>(StringComparer.Ordinal);
        var queue = new Queue<PackageMetadata>();
        foreach (var root in roots)
        {
            parent[root.Name] = null;
            queue.Enqueue(root);
        }

        while (queue.TryDequeue(out var p))
        {
            foreach (var (q, link) in edges(p))
            {
                if (!ReferenceEquals(q, p) && parent.TryAdd(q.Name, (p, link)))
                {
                    queue.Enqueue(q);
                }
            }
        }

        return parent;
    }
}
