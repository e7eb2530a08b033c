namespace Keel.Solver.Testcase;

/// <summary>
/// Reads libsolv's testcase format: "repo NAME PRIO[.SUBPRIO] testtags &lt;inline&gt;|FILE|empty", "system ARCH
/// DISTTYPE REPO", "poolflags", "solverflags", "job ...", "result KINDS &lt;inline&gt;|FILE" and "nextjob". Inline
/// blocks are the following lines that start with "#&gt;"; a FILE is read relative to the .t file.
/// </summary>
public static class TestcaseReader
{
    private const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Reads and splits a testcase file into its repositories and job steps.</summary>
    /// <exception cref="FormatException">A line is malformed (the message names the file and line).</exception>
    public static TestcaseDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = ReadLines(path);
        var repos = new List<TestcaseRepo>();
        var poolFlags = new List<string>();
        var disabled = new List<string>();
        var steps = new List<TestcaseStep>();
        string? arch = null, disttype = null, systemRepo = null;
        var flags = new List<string>();
        var jobs = new List<string>();
        var other = new List<string>();
        var kinds = new List<string>();
        var expected = new List<string>();
        bool haveResult = false;

        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "repo":
                    if (words.Length < 4)
                    {
                        throw Bad(path, i, "repo needs NAME PRIO TYPE [ARG]");
                    }

                    var prio = words[2].Split('.');
                    if (!int.TryParse(prio[0], out var priority) || (prio.Length > 1 && !int.TryParse(prio[1], out _)))
                    {
                        throw Bad(path, i, $"bad repo priority '{words[2]}'");
                    }

                    int sub = prio.Length > 1 ? int.Parse(prio[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
                    IReadOnlyList<string> content = words[3] switch
                    {
                        "empty" => [],
                        "testtags" when words.Length > 4 && words[4] == "<inline>" => Inline(lines, ref i),
                        "testtags" when words.Length > 4 => ReadLines(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", words[4])),
                        _ => throw new NotSupportedException($"unsupported: repo type '{words[3]}'"),
                    };
                    repos.Add(new TestcaseRepo(words[1], priority, sub, content));
                    break;
                case "system":
                    arch = words.Length > 1 ? words[1] : null;
                    disttype = words.Length > 2 ? words[2] : null;
                    systemRepo = words.Length > 3 ? words[3] : null;
                    break;
                case "poolflags":
                    poolFlags.AddRange(words.Skip(1));
                    break;
                case "solverflags":
                    flags.AddRange(words.Skip(1));
                    break;
                case "job":
                    jobs.Add(line[4..].Trim());
                    break;
                case "result":
                    if (words.Length < 3)
                    {
                        throw Bad(path, i, "result needs KINDS and <inline> or a file");
                    }

                    kinds.AddRange(words[1].Split(','));
                    expected.AddRange(words[2] == "<inline>"
                        ? Inline(lines, ref i)
                        : ReadLines(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", words[2])));
                    haveResult = true;
                    break;
                case "disable" when words.Length == 3 && words[1] == "pkg" && steps.Count == 0 && jobs.Count == 0:
                    disabled.Add(words[2]);
                    break;
                case "feature" when words.Skip(1).All(w => w == "complex_deps"):
                    break;
                case "nextjob":
                    // "reusesolver" only saves libsolv work; the expected result is the same as for a fresh solver.
                    if (words.Length > 1 && !(words.Length == 2 && words[1] == "reusesolver"))
                    {
                        other.Add(line);
                    }

                    steps.Add(new TestcaseStep(flags, jobs, kinds, expected, other));
                    (flags, jobs, kinds, expected, other) = ([], [], [], [], []);
                    haveResult = false;
                    break;
                default:
                    other.Add(line);
                    break;
            }
        }

        if (haveResult || jobs.Count > 0 || other.Count > 0)
        {
            steps.Add(new TestcaseStep(flags, jobs, kinds, expected, other));
        }

        return new TestcaseDocument(path, repos, arch, disttype, systemRepo, poolFlags, steps) { Disabled = disabled };
    }

    private static string[] ReadLines(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such testcase file", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: larger than {MaxFileBytes} bytes");
        }

        return File.ReadAllLines(path);
    }

    private static List<string> Inline(string[] lines, ref int i)
    {
        var block = new List<string>();
        while (i + 1 < lines.Length && lines[i + 1].StartsWith("#>", StringComparison.Ordinal))
        {
            block.Add(lines[++i][2..]);
        }

        return block;
    }

    private static FormatException Bad(string path, int line, string what) => new($"{path}:{line + 1}: {what}");
}
