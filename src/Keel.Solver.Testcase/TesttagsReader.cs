using Keel.Packaging;

namespace Keel.Solver.Testcase;

/// <summary>
/// Reads libsolv's testtags repository lines ("=Pkg: N V R A", "=Req:", "=Prv:", "=Con:", "=Obs:", "=Rec:",
/// "=Sug:", "=Sup:", "=Enh:", "=Fls:", "=Ver:", and "+Tag:" ... "-Tag:" blocks) into package metadata.
/// Vendor, summary and time tags are read and ignored; other tags make the file unsupported.
/// </summary>
public static class TesttagsReader
{
    /// <summary>Parses the lines of one repository.</summary>
    public static List<PackageMetadata> Read(IReadOnlyList<string> lines, string repositoryId, string nameForErrors)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new List<PackageMetadata>();
        Builder? current = null;
        string? blockTag = null;
        int version = 0;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (blockTag is not null)
            {
                if (line == "-" + blockTag + ":")
                {
                    blockTag = null;
                    continue;
                }

                Apply(current, blockTag, line, nameForErrors);
                continue;
            }

            if (line.Length < 5 || line[4] != ':')
            {
                throw new FormatException($"{nameForErrors}: bad testtags line '{line}'");
            }

            var tag = line[1..4];
            var value = line[5..].Trim();
            if (line[0] == '+')
            {
                blockTag = tag;
                continue;
            }

            if (line[0] != '=')
            {
                throw new FormatException($"{nameForErrors}: bad testtags line '{line}'");
            }

            switch (tag)
            {
                case "Ver":
                    _ = int.TryParse(value.Split('.')[0], out version);
                    break;
                case "Pkg":
                    if (current is not null)
                    {
                        result.Add(current.Build());
                    }

                    var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length < 3)
                    {
                        throw new FormatException($"{nameForErrors}: bad package line '{line}'");
                    }

                    var evr = f[2] == "-" ? f[1] : f[1] + "-" + f[2];
                    current = new Builder(f[0], Evr.Parse(evr), f.Length > 3 ? f[3] : "noarch", repositoryId);
                    break;
                default:
                    Apply(current, tag, value, nameForErrors);
                    break;
            }
        }

        if (current is not null)
        {
            result.Add(current.Build());
        }

        _ = version;
        return result;
    }

    private static void Apply(Builder? pkg, string tag, string value, string name)
    {
        if (pkg is null)
        {
            throw new FormatException($"{name}: tag {tag} before any =Pkg:");
        }

        switch (tag)
        {
            case "Req":
            case "Prq":
                pkg.Requires.Add(TestcaseDependency.Parse(value));
                break;
            case "Prv":
                if (value.StartsWith('/'))
                {
                    pkg.Files.Add(value);
                }

                pkg.Provides.Add(TestcaseDependency.Parse(value));
                break;
            case "Con":
                pkg.Conflicts.Add(TestcaseDependency.Parse(value));
                break;
            case "Obs":
                pkg.Obsoletes.Add(TestcaseDependency.Parse(value));
                break;
            case "Rec":
                pkg.Recommends.Add(TestcaseDependency.Parse(value));
                break;
            case "Sug":
                pkg.Suggests.Add(TestcaseDependency.Parse(value));
                break;
            case "Sup":
                pkg.Supplements.Add(TestcaseDependency.Parse(value));
                break;
            case "Enh":
                pkg.Enhances.Add(TestcaseDependency.Parse(value));
                break;
            case "Fls":
                pkg.Files.Add(value);
                break;
            case "Vnd":
            case "Sum":
            case "Tim":
            case "Itm":
                break;
            default:
                throw new NotSupportedException($"unsupported: testtags tag '{tag}'");
        }
    }

    private sealed class Builder(string name, Evr evr, string arch, string repo)
    {
        public List<Dependency> Requires { get; } = [];

        public List<Dependency> Provides { get; } = [];

        public List<Dependency> Conflicts { get; } = [];

        public List<Dependency> Obsoletes { get; } = [];

        public List<Dependency> Recommends { get; } = [];

        public List<Dependency> Suggests { get; } = [];

        public List<Dependency> Supplements { get; } = [];

        public List<Dependency> Enhances { get; } = [];

        public List<string> Files { get; } = [];

        public PackageMetadata Build() => new()
        {
            Name = name,
            Evr = evr,
            Arch = arch,
            Requires = Requires,
            Provides = Provides,
            Conflicts = Conflicts,
            Obsoletes = Obsoletes,
            Recommends = Recommends,
            Suggests = Suggests,
            Supplements = Supplements,
            Enhances = Enhances,
            Files = Files,
            RepositoryId = repo,
        };
    }
}
