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
    private static readonly string[] SupportedSolverFlags = ["ignorerecommended", "allowuninstall", "strictrepopriority", "bestobeypolicy", "keeporphans", "focusinstalled", "yumobsoletes", "strongrecommends"];
    private static readonly string[] SupportedResultKinds = ["transaction", "problems", "recommended", "rules", "alternatives"];

    /// <summary>Runs a .t file.</summary>
    public static TestcaseOutcome Run(string path)
    {
        try
        {
            var doc = TestcaseReader.Read(path);
            var lockedInstalled = new List<PackageMetadata>();
            var pool = BuildPool(doc, lockedInstalled);
            var diffs = new List<string>();
            for (int i = 0; i < doc.Steps.Count; i++)
            {
                var diff = RunStep(pool, doc.Steps[i], lockedInstalled);
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

    private static Pool BuildPool(TestcaseDocument doc, List<PackageMetadata> lockedInstalled)
    {
        // whatprovideswithdisabled only lets libsolv's provider lookups see disabled packages, which it still never
        // installs; Keel drops disabled packages, so the flag has nothing to change (testsolv gives the same results
        // for the three cases that use it with and without the flag).
        var poolFlags = doc.PoolFlags.Where(f => f != "whatprovideswithdisabled").ToList();
        if (poolFlags.Count > 0)
        {
            throw new NotSupportedException($"unsupported: poolflags {string.Join(' ', poolFlags)}");
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
                // A disabled installed package stays installed and untouchable (libsolv keeps what it may not consider).
                lockedInstalled.AddRange(packages.Where(p => doc.Disabled.Contains($"{Format(p)}@{repo.Name}")));
            }
            else
            {
                packages.RemoveAll(p => doc.Disabled.Contains($"{Format(p)}@{repo.Name}"));
            }

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

    private static string? RunStep(Pool pool, TestcaseStep step, IReadOnlyList<PackageMetadata> lockedInstalled)
    {
        if (step.OtherCommands.Count > 0 && step.Jobs.Count == 0 && step.ResultKinds.SequenceEqual(["jobs"])
            && step.OtherCommands.All(c => c.StartsWith("evrcmp ", StringComparison.Ordinal)))
        {
            return CompareEvrs(step);
        }

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
            if (job.Kind is SolverJobKind.Install or SolverJobKind.Upgrade or SolverJobKind.UpgradeAll or SolverJobKind.DistUpgrade)
            {
                if (forceBest is not null && forceBest != best)
                {
                    throw new NotSupportedException("unsupported: forcebest on some jobs only");
                }

                forceBest = best;
            }

            jobs.Add(job);
        }

        if (lockedInstalled.Count > 0)
        {
            jobs.Add(new SolverJob(SolverJobKind.Lock, new OneOfSelector(lockedInstalled)));
        }

        // libsolv: "bestobeypolicy is a noop for install jobs"; for update jobs it keeps the vendor policy, which Keel lacks.
        if (step.SolverFlags.Contains("bestobeypolicy") && jobs.Any(j => j.Kind is SolverJobKind.Upgrade or SolverJobKind.UpgradeAll))
        {
            throw new NotSupportedException("unsupported: solverflag bestobeypolicy with update jobs");
        }

        var options = new SolverOptions
        {
            NoRecommends = step.SolverFlags.Contains("ignorerecommended"),
            AllowErasing = step.SolverFlags.Contains("allowuninstall"),
            Best = forceBest ?? false,
            ReportRecommendations = step.ResultKinds.Contains("recommended"),
            ReportAlternatives = step.ResultKinds.Contains("alternatives"),
            StrictRepoPriority = step.SolverFlags.Contains("strictrepopriority"),
            KeepOrphans = step.SolverFlags.Contains("keeporphans"),
            FocusInstalled = step.SolverFlags.Contains("focusinstalled"),
            YumObsoletes = step.SolverFlags.Contains("yumobsoletes"),
            StrongRecommends = step.SolverFlags.Contains("strongrecommends"),
        };
        if (step.ResultKinds.Contains("rules"))
        {
            // Without installed packages libsolv's dump holds only job and package rules, which Keel makes alike.
            if (pool.Installed.Any() || step.ResultKinds.Count > 1)
            {
                throw new NotSupportedException("unsupported: result kind rules with installed packages or other kinds");
            }

            return CompareRules(pool, Solver.DescribeRules(pool, jobs, options), step.Expected);
        }

        var result = Solver.Solve(pool, jobs, options);
        return Compare(pool, result, step.Expected);
    }

    /// <summary>
    /// libsolv prints each rule as lines "rule CLASS HASH [-| ]PACKAGE", the hash standing for the rule's literals;
    /// rules are compared as sets of literals per class (the hash itself is libsolv's md5 of the same content).
    /// </summary>
    private static string? CompareRules(Pool pool, IReadOnlyList<SolverRule> rules, IReadOnlyList<string> expectedLines)
    {
        var expected = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var raw in expectedLines)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                continue;
            }

            var m = System.Text.RegularExpressions.Regex.Match(line, @"^rule (\S+) (\S+) ([ -])(\S+)$");
            if (!m.Success)
            {
                throw new FormatException($"rule line '{line}' is not 'rule CLASS HASH [-]PACKAGE'");
            }

            var key = m.Groups[1].Value + " " + m.Groups[2].Value;
            if (!expected.TryGetValue(key, out var set))
            {
                expected[key] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.Add((m.Groups[3].Value == "-" ? "-" : string.Empty) + m.Groups[4].Value);
        }

        var expectedRules = expected.Select(kv => kv.Key.Split(' ')[0] + ": " + string.Join(" ", kv.Value)).ToList();
        var actualRules = rules.Select(r => r.Kind + ": " + string.Join(" ", r.Literals
            .Select(l => (l.Positive ? string.Empty : "-") + Label(pool, l.Package)).Order(StringComparer.Ordinal))).ToList();
        var diff = expectedRules.Except(actualRules).Select(l => "- rule " + l)
            .Concat(actualRules.Except(expectedRules).Select(l => "+ rule " + l)).ToList();
        return diff.Count == 0 ? null : string.Join("\n", diff);
    }

    /// <summary>libsolv's "evrcmp A B" command adds a job "noop provides A OP B" naming how rpm orders the two EVRs.</summary>
    private static string? CompareEvrs(TestcaseStep step)
    {
        var actual = new List<string>();
        foreach (var command in step.OtherCommands)
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 3)
            {
                throw new FormatException($"'{command}': evrcmp needs two EVRs");
            }

            int c = Evr.Parse(words[1]).CompareTo(Evr.Parse(words[2]));
            actual.Add($"job noop provides {words[1]} {(c < 0 ? "<" : c > 0 ? ">" : "=")} {words[2]}");
        }

        var expected = step.Expected.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var diff = expected.Except(actual).Select(l => "- " + l).Concat(actual.Except(expected).Select(l => "+ " + l)).ToList();
        return diff.Count == 0 ? null : string.Join("\n", diff);
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
            "favor" => SolverJobKind.Favor,
            "distupgrade" => SolverJobKind.DistUpgrade,
            "disfavor" => SolverJobKind.Disfavor,
            _ => throw new NotSupportedException($"unsupported: job type {words[0]}"),
        };
        if (words[1] == "all" && words[2] == "packages" && kind == SolverJobKind.Upgrade)
        {
            return (SolverJob.UpgradeAll(), best);
        }

        if (words[1] == "all" && words[2] == "packages" && kind == SolverJobKind.DistUpgrade)
        {
            return (SolverJob.DistUpgradeAll(), best);
        }

        if (kind == SolverJobKind.DistUpgrade)
        {
            throw new NotSupportedException($"unsupported: distupgrade of '{words[1]} {words[2]}' (only all packages)");
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

        // libsolv names each alternative by a hash of its content; Keel numbers them in order of appearance instead.
        var hashes = new List<string>();
        for (int i = 0; i < expectedTx.Count; i++)
        {
            var m = System.Text.RegularExpressions.Regex.Match(expectedTx[i], @"^alternative (\S+) (.*)$");
            if (m.Success)
            {
                if (!hashes.Contains(m.Groups[1].Value))
                {
                    hashes.Add(m.Groups[1].Value);
                }

                expectedTx[i] = $"alternative #{hashes.IndexOf(m.Groups[1].Value) + 1} {m.Groups[2].Value}";
            }
        }

        var tx = result.Transaction ?? result.Remainder;
        var actualTx = tx is null ? [] : Lines(pool, tx);
        actualTx.AddRange(result.Recommended.Select(p => "recommended " + Label(pool, p)));
        actualTx.AddRange(result.Suggested.Select(p => "suggested " + Label(pool, p)));
        for (int a = 0; a < result.Alternatives.Count; a++)
        {
            actualTx.AddRange(AlternativeLines(pool, result.Alternatives[a], $"alternative #{a + 1} ")
                .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\s+", " ")));
        }
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

    /// <summary>libsolv's testcase lines for one alternative: " 0 origin", then " N + chosen", " N - installed", " N   other".</summary>
    private static IEnumerable<string> AlternativeLines(Pool pool, SolverAlternative alternative, string prefix)
    {
        var origin = alternative.Kind switch
        {
            "requires" => $"{Label(pool, alternative.From!)} requires {alternative.Dependency}",
            "recommends" => $"{Label(pool, alternative.From!)} recommends {alternative.Dependency}",
            "update" => $"update {Label(pool, alternative.From!)}",
            "job" => throw new NotSupportedException("unsupported: alternatives of jobs (libsolv prints the job in testcase syntax)"),
            _ => null, // libsolv prints no origin for rules that are not package rules (strong recommends)
        };
        if (origin is not null)
        {
            yield return prefix + "0 " + origin;
        }

        for (int i = 0; i < alternative.Candidates.Count; i++)
        {
            var c = alternative.Candidates[i];
            var mark = ReferenceEquals(c.Package, alternative.Chosen) ? "+" : c.Positive ? "-" : " ";
            yield return $"{prefix}{i + 1} {mark} {Label(pool, c.Package)}";
        }
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
