namespace Keel.Solver;

/// <summary>
/// Which architectures may be installed on a machine and which one is preferred. Keel keeps it simple: a target
/// arch, the arches compatible with it in order of preference, and noarch. A name is never installed twice in two
/// arches (no multilib).
/// </summary>
public sealed class ArchPolicy
{
    private readonly Dictionary<string, int> scores;

    private ArchPolicy(string arch, Dictionary<string, int> scores)
    {
        Arch = arch;
        this.scores = scores;
    }

    /// <summary>A policy that accepts every architecture but src/nosrc and prefers none (libsolv's "system unset").</summary>
    public static ArchPolicy Any { get; } = new("*", []);

    /// <summary>The target architecture ("x86_64", "aarch64", ...), or "*" for <see cref="Any"/>.</summary>
    public string Arch { get; }

    /// <summary>
    /// The policy for a target arch: x86_64 and aarch64 as Keel targets them (the arch itself and noarch); i686 and
    /// older x86 arches follow libsolv's table so that test cases written for them can be read; any other name
    /// accepts only itself and noarch.
    /// </summary>
    public static ArchPolicy For(string arch)
    {
        ArgumentException.ThrowIfNullOrEmpty(arch);
        string[] order = arch switch
        {
            "i686" => ["i686", "i586", "i486", "i386"],
            "i586" => ["i586", "i486", "i386"],
            "i486" => ["i486", "i386"],
            "x86_64_v2" => ["x86_64_v2", "x86_64"],
            "x86_64_v3" => ["x86_64_v3", "x86_64_v2", "x86_64"],
            _ => [arch],
        };
        var scores = new Dictionary<string, int>(StringComparer.Ordinal) { ["noarch"] = 1 };
        for (int i = 0; i < order.Length; i++)
        {
            scores[order[i]] = i + 2;
        }

        return new ArchPolicy(arch, scores);
    }

    /// <summary>A policy from an explicit preference list (best first); noarch is always accepted and ranks below none of them.</summary>
    public static ArchPolicy FromList(string arch, IEnumerable<string> compatibleBestFirst)
    {
        ArgumentException.ThrowIfNullOrEmpty(arch);
        ArgumentNullException.ThrowIfNull(compatibleBestFirst);
        var scores = new Dictionary<string, int>(StringComparer.Ordinal) { ["noarch"] = 1 };
        int next = 2;
        foreach (var a in compatibleBestFirst)
        {
            scores.TryAdd(a, next++);
        }

        return new ArchPolicy(arch, scores);
    }

    /// <summary>Whether a package of <paramref name="arch"/> may be installed at all.</summary>
    public bool IsCompatible(string arch) => Score(arch) != 0;

    /// <summary>0 for an arch that cannot be installed, 1 for noarch (and every arch under <see cref="Any"/>), 2 for the best arch, higher for worse.</summary>
    public int Score(string arch)
    {
        if (arch is "src" or "nosrc")
        {
            return 0;
        }

        if (scores.Count == 0)
        {
            return 1;
        }

        return scores.TryGetValue(arch, out var s) ? s : 0;
    }

    public override string ToString() => Arch;
}
