using Keel.Packaging;

namespace Keel.Solver.Testcase;

/// <summary>How a testcase compared.</summary>
public enum TestcaseStatus
{
    /// <summary>Keel's result equals the expected one in every step.</summary>
    Pass,

    /// <summary>Some step differs; the detail holds a diff.</summary>
    Fail,

    /// <summary>The file uses a feature Keel does not implement; the detail names it. Never counted as a pass.</summary>
    Unsupported,
}

/// <summary>The outcome of running one testcase file.</summary>
public sealed record TestcaseOutcome(TestcaseStatus Status, string Detail);

/// <summary>
/// Runs a libsolv testcase through Keel's solver and compares the transaction (and, for problem results, that Keel
/// finds a problem whose explanation contains libsolv's "info" sentence; libsolv's proposed solutions are not
/// compared). Supported: install/erase/update/lock jobs by name, pkg, provides and oneof; "update all packages";
/// the forcebest job flag; the ignorerecommended and allowuninstall solver flags; result kinds transaction and problems.
/// </summary>
public static class TestcaseRunner
{
    private static readonly string[] SupportedSolverFlags = ["ignorerecommended", "allowuninstall"];
    private static readonly string[] SupportedResultKinds = ["transaction", "problems"];

    /// <summary>Runs a .t file.</summary>
    public static TestcaseOutcome Run(string path)
    {
        try
        {
            var doc = TestcaseReader.Read(path);
            var pool = BuildPool(doc);
            var diffs = new List<string>();
            for (int i = 0; i < doc.Steps.Count; i++)
            {
                var diff = RunStep(pool, doc.Steps[i]);
                if (diff is not null)
                {
                    diffs.Add($"step {i + 1}:\n{diff}");
                }
            }

            return diffs.Count == 0 ? new TestcaseOutcome(TestcaseStatus.Pass, string.Empty) : new TestcaseOutcome(TestcaseStatus.Fail, string.Join("\n", diffs));
        }
        catch (NotSupportedException ex)
        {
            var msg = ex.Message.StartsWith("unsupported:", StringComparison.Ordinal) ? ex.Message : "unsupported: " + ex.Message;
            return new TestcaseOutcome(TestcaseStatus.Unsupported, msg);
        }
    }

    private static Pool BuildPool(TestcaseDocument doc)
    {
        if (doc.PoolFlags.Count > 0)
        {
            throw new NotSupportedException($"unsupported: poolflags {string.Join(' ', doc.PoolFlags)}");
        }

        if (doc.SystemDisttype is not null and not "rpm" and not "*")
        {
            throw new NotSupportedException($"unsupported: disttype {doc.SystemDisttype}");
        }

        var arch = doc.SystemArch switch
        {
            null or "unset" => ArchPolicy.Any,
            "x86_64" => ArchPolicy.FromList("x86_64", ["x86_64", "i686", "i586", "i486", "i386"]),
            "i686" => ArchPolicy.FromList("i686", ["i686", "i586", "i486", "i386"]),
            var a => ArchPolicy.FromList(a, [a]),
        };
        var pool = new Pool(arch) { PriorityExcludesByName = false };
        foreach (var repo in doc.Repos)
        {
            if (repo.TesttagsLines.Any(l => l.StartsWith("=Ver: 3", StringComparison.Ordinal) && !l.Contains("addselfprovides", StringComparison.Ordinal)))
            {
                throw new NotSupportedException("unsupported: testtags version 3 without self-provides");
            }

            var packages = TesttagsReader.Read(repo.TesttagsLines, repo.Name, $"{doc.Path} repo {repo.Name}");
            if (repo.Name == doc.SystemRepo)
            {
                pool.SetInstalled(packages);
            }
            else
            {
                // libsolv: a higher priority wins, a higher subpriority wins ties; Keel: lower priority and cost win.
                // Two repositories may share a name in a testcase; Keel needs unique ids, results print the name.
                var id = repo.Name;
                for (int n = 2; pool.Repositories.Any(r => r.Id == id); n++)
                {
                    id = $"{repo.Name}#{n}";
                }

                pool.AddRepository(new RepoInfo(id, -repo.Priority, -repo.SubPriority), packages);
            }
        }

        return pool;
    }

    private static string? RunStep(Pool pool, TestcaseStep step)
    {
        if (step.OtherCommands.Count > 0)
        {
            throw new NotSupportedException($"unsupported: command '{step.OtherCommands[0]}'");
        }

        var badFlag = step.SolverFlags.FirstOrDefault(f => !SupportedSolverFlags.Contains(f));
        if (badFlag is not null)
        {
            throw new NotSupportedException($"unsupported: solverflag {badFlag}");
        }

        var badKind = step.ResultKinds.FirstOrDefault(k => !SupportedResultKinds.Contains(k));
        if (badKind is not null)
        {
            throw new NotSupportedException($"unsupported: result kind {badKind}");
        }

        if (step.ResultKinds.Count == 0)
        {
            throw new NotSupportedException("unsupported: step without a result");
        }

        var jobs = new List<SolverJob>();
        bool? forceBest = null;
        foreach (var text in step.Jobs)
        {
            var (job, best) = ParseJob(pool, text);
            if (job.Kind is SolverJobKind.Install or SolverJobKind.Upgrade or SolverJobKind.UpgradeAll)
            {
                if (forceBest is not null && forceBest != best)
                {
                    throw new NotSupportedException("unsupported: forcebest on some jobs only");
                }

                forceBest = best;
            }

            jobs.Add(job);
        }

        var options = new SolverOptions
        {
            NoRecommends = step.SolverFlags.Contains("ignorerecommended"),
            AllowErasing = step.SolverFlags.Contains("allowuninstall"),
            Best = forceBest ?? false,
        };
        var result = Solver.Solve(pool, jobs, options);
        return Compare(pool, result, step.Expected);
    }

    private static (SolverJob Job, bool ForceBest) ParseJob(Pool pool, string text)
    {
        bool best = false;
        int bracket = text.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            var flags = text[(bracket + 1)..].TrimEnd(']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var f in flags)
            {
                if (f != "forcebest")
                {
                    throw new NotSupportedException($"unsupported: job flag {f}");
                }

                best = true;
            }

            text = text[..bracket].Trim();
        }

        var words = text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3)
        {
            throw new FormatException($"job '{text}': expected TYPE SELECTION ARG");
        }

        var kind = words[0] switch
        {
            "install" => SolverJobKind.Install,
            "erase" => SolverJobKind.Erase,
            "update" => SolverJobKind.Upgrade,
            "lock" => SolverJobKind.Lock,
            _ => throw new NotSupportedException($"unsupported: job type {words[0]}"),
        };
        if (words[1] == "all" && words[2] == "packages" && kind == SolverJobKind.Upgrade)
        {
            return (SolverJob.UpgradeAll(), best);
        }

        PackageSelector selector = words[1] switch
        {
            "name" => NameSelection(pool, words[2]),
            "provides" => new ProvidesSelector(TestcaseDependency.Parse(words[2])),
            "pkg" => new OneOfSelector([FindPackage(pool, words[2])]),
            "oneof" => new OneOfSelector(words[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => FindPackage(pool, p)).ToList()),
            _ => throw new NotSupportedException($"unsupported: job selection {words[1]}"),
        };
        return (new SolverJob(kind, selector), best);
    }

    private static PackageSelector NameSelection(Pool pool, string text)
    {
        var dep = TestcaseDependency.Parse(text);
        if (dep.IsRich)
        {
            throw new NotSupportedException($"unsupported: rich name selection '{text}'");
        }

        if (dep.Evr is null)
        {
            return new NameSelector(dep.Name);
        }

        var matches = AllPackages(pool).Where(p => p.Name == dep.Name && Dependency.RangesOverlap(DependencyFlags.Equal, p.Evr, dep.Flags, dep.Evr)).ToList();
        return new OneOfSelector(matches);
    }

    private static IEnumerable<PackageMetadata> AllPackages(Pool pool) => pool.Packages;

    private static PackageMetadata FindPackage(Pool pool, string spec)
    {
        int at = spec.LastIndexOf('@');
        var nevra = at >= 0 ? spec[..at] : spec;
        var repo = at >= 0 ? spec[(at + 1)..] : null;
        foreach (var p in AllPackages(pool))
        {
            if (Format(p) == nevra && (repo is null || RepoName(pool, p) == repo))
            {
                return p;
            }
        }

        throw new FormatException($"job package '{spec}' is not in the testcase's repositories");
    }

    private static string Format(PackageMetadata p) => $"{p.Name}-{p.Evr.ToFullString()}.{p.Arch}";

    private static string RepoName(Pool pool, PackageMetadata p) => pool.IsInstalled(p) ? p.RepositoryId! : pool.RepositoryOf(p).Id.Split('#')[0];

    private static string Label(Pool pool, PackageMetadata p) => $"{Format(p)}@{RepoName(pool, p)}";

    private static string? Compare(Pool pool, SolverResult result, IReadOnlyList<string> expectedLines)
    {
        var expectedTx = new List<string>();
        var expectedInfo = new List<string>();
        foreach (var raw in expectedLines)
        {
            var line = raw.Trim();
            if (line.StartsWith("problem ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length == 4 && parts[2] == "info")
                {
                    expectedInfo.Add(parts[3]);
                }

                continue;
            }

            if (line.Length > 0)
            {
                expectedTx.Add(System.Text.RegularExpressions.Regex.Replace(line, @"\s+", " "));
            }
        }

        var tx = result.Transaction ?? result.Remainder;
        var actualTx = tx is null ? [] : Lines(pool, tx);
        expectedTx.Sort(StringComparer.Ordinal);
        actualTx.Sort(StringComparer.Ordinal);

        var diff = new List<string>();
        foreach (var l in expectedTx.Except(actualTx))
        {
            diff.Add("- " + l);
        }

        foreach (var l in actualTx.Except(expectedTx))
        {
            diff.Add("+ " + l);
        }

        if (expectedInfo.Count == 0 && result.Problems.Count > 0)
        {
            diff.AddRange(result.Problems.Select(p => "+ problem: " + p.Message));
        }

        if (expectedInfo.Count > 0)
        {
            if (result.Problems.Count == 0)
            {
                diff.AddRange(expectedInfo.Select(i => "- problem: " + i));
            }
            else
            {
                var sentences = result.Problems.SelectMany(p => p.Chain).ToHashSet(StringComparer.Ordinal);
                foreach (var info in expectedInfo.Where(i => !sentences.Contains(i)))
                {
                    diff.Add("- problem: " + info);
                    diff.AddRange(result.Problems.Select(p => "+ problem: " + p.Message));
                }
            }
        }

        return diff.Count == 0 ? null : string.Join("\n", diff.Distinct());
    }

    private static List<string> Lines(Pool pool, Transaction tx)
    {
        var lines = new List<string>();
        lines.AddRange(tx.Install.Select(p => "install " + Label(pool, p)));
        lines.AddRange(tx.Upgrade.Select(u => $"upgrade {Label(pool, u.Old)} {Label(pool, u.New)}"));
        lines.AddRange(tx.Downgrade.Select(u => $"downgrade {Label(pool, u.Old)} {Label(pool, u.New)}"));
        lines.AddRange(tx.Reinstall.Select(u => $"reinstall {Label(pool, u.Old)} {Label(pool, u.New)}"));
        lines.AddRange(tx.Remove.Select(r => r.ObsoletedBy is null ? "erase " + Label(pool, r.Package) : $"erase {Label(pool, r.Package)} {Label(pool, r.ObsoletedBy)}"));
        return lines;
    }
}
