using Keel.Installer.Api;
using Keel.Packaging;

namespace Keel.Installer.Service.Session.Packages;

/// <summary>
/// "Why is this here?": the chain from the request to a package of the resolved selection — requested by the preset or
/// the user, or required (through provides) by a package that is, found breadth-first so the chain is the shortest.
/// </summary>
public static class PackageWhy
{
    /// <summary>The chain for <paramref name="name"/> in <paramref name="selection"/>; not selected: an empty chain that says so.</summary>
    public static WhyAnswer Explain(string name, ResolvedSelection selection, string preset)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var packages = selection.Packages;
        var target = packages.FirstOrDefault(p => p.Name == name);
        if (target is null)
        {
            return new WhyAnswer(name, false, [$"{name} is not in the selection"]);
        }

        var requested = selection.Requested.ToHashSet(StringComparer.Ordinal);
        var parent = new Dictionary<string, (string From, string Because)>(StringComparer.Ordinal);
        var queue = new Queue<PackageMetadata>(packages.Where(p => requested.Contains(p.Name)));
        var seen = queue.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        while (!seen.Contains(name) && queue.TryDequeue(out var current))
        {
            foreach (var require in current.Requires)
            {
                foreach (var provider in packages.Where(p => !seen.Contains(p.Name) && Provides(p, require)))
                {
                    seen.Add(provider.Name);
                    parent[provider.Name] = (current.Name, require.ToString());
                    queue.Enqueue(provider);
                }
            }
        }

        var chain = new List<string>();
        var at = name;
        while (parent.TryGetValue(at, out var step))
        {
            chain.Add(step.Because == at ? $"{step.From} requires {at}" : $"{step.From} requires {step.Because}, which {at} provides");
            at = step.From;
        }

        chain.Add(requested.Contains(at) ? $"{at} is requested by the preset {preset} or by you" : $"{at} is in the solver's answer");
        chain.Reverse();
        return new WhyAnswer(name, true, chain);
    }

    private static bool Provides(PackageMetadata package, Dependency require) =>
        package.Name == require.Name || package.Provides.Any(p => p.Satisfies(require)) || (require.IsFile && package.Files.Contains(require.Name, StringComparer.Ordinal));
}
