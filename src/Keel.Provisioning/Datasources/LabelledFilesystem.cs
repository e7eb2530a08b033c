using Keel.Processes;

namespace Keel.Provisioning.Datasources;

/// <summary>
/// A vfat or iso9660 filesystem found by its label (NoCloud's cidata, ConfigDrive's config-2) on a block device or image
/// file. Its files are read without mounting it: mtools for vfat, xorriso's osirrox for iso9660.
/// </summary>
public sealed record LabelledFilesystem(string Device, string Type, string Label)
{
    /// <summary>Filesystem types a seed may have, as cloud-init accepts them.</summary>
    public static readonly IReadOnlyList<string> SeedTypes = ["vfat", "iso9660"];

    /// <summary>Longest a probe or a read of one device may take.</summary>
    public static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The seed filesystems labelled one of <paramref name="labels"/> (exactly, as cloud-init compares them). With
    /// <paramref name="candidates"/> only those devices or image files are probed; otherwise blkid searches the machine's devices.
    /// </summary>
    public static IReadOnlyList<LabelledFilesystem> Find(IReadOnlyList<string> labels, IReadOnlyList<string>? candidates)
    {
        var devices = candidates ?? labels.SelectMany(SearchByLabel).Distinct().ToList();
        var found = new List<LabelledFilesystem>();
        foreach (var device in devices)
        {
            if (Probe(device) is { } fs && labels.Contains(fs.Label) && SeedTypes.Contains(fs.Type))
            {
                found.Add(fs);
            }
        }

        return found;
    }

    /// <summary>Type and label of <paramref name="device"/> from blkid's low-level probe, or null when it holds no filesystem blkid knows.</summary>
    public static LabelledFilesystem? Probe(string device)
    {
        if (!File.Exists(device))
        {
            return null;
        }

        var (exit, output, _) = RunTool("blkid", ["-p", "-o", "export", device], null);
        if (exit != 0)
        {
            return null;
        }

        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => Unescape(g.First()[1]));
        return values.TryGetValue("TYPE", out var type) ? new LabelledFilesystem(device, type, values.GetValueOrDefault("LABEL", "")) : null;
    }

    /// <summary>
    /// Copies the regular files among <paramref name="paths"/> (relative, '/'-separated) that the filesystem holds into
    /// <paramref name="destination"/>; absent ones are skipped. Throws InvalidDataException naming the device when it cannot be read.
    /// </summary>
    public IReadOnlyList<string> CopyFiles(IReadOnlyList<string> paths, string destination)
    {
        var present = ListFiles();
        var copied = new List<string>();
        foreach (var path in paths.Where(p => present.Contains(p)))
        {
            var target = Path.Combine(destination, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var (exit, _, err) = Type == "vfat"
                ? RunTool("mcopy", ["-n", "-i", Device, "::/" + path, target], MtoolsEnvironment)
                : RunTool("xorriso", ["-osirrox", "on", "-indev", Device, "-extract", "/" + path, target], null);
            var info = new FileInfo(target);
            if (exit != 0 || !info.Exists || info.LinkTarget is not null)
            {
                throw new InvalidDataException($"{Describe()}: cannot read {path}: {LastLine(err)}");
            }

            copied.Add(path);
        }

        return copied;
    }

    /// <summary>"DEVICE (vfat, label cidata)".</summary>
    public string Describe() => $"{Device} ({Type}, label {Label})";

    private HashSet<string> ListFiles()
    {
        var (exit, output, err) = Type == "vfat"
            ? RunTool("mdir", ["-/", "-b", "-i", Device, "::/"], MtoolsEnvironment)
            : RunTool("xorriso", ["-indev", Device, "-find", "/", "-type", "f"], null);
        if (exit != 0)
        {
            throw new InvalidDataException($"{Describe()}: cannot list its files: {LastLine(err)}");
        }

        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var line = raw.Trim();
            if (Type == "vfat")
            {
                // mdir -/ -b: "::/dir/" for directories, "::/dir/file" for files.
                if (line.StartsWith("::/", StringComparison.Ordinal) && !line.EndsWith('/'))
                {
                    files.Add(line[3..]);
                }
            }
            else if (line.Length >= 3 && line[0] == '\'' && line[^1] == '\'' && line[1] == '/')
            {
                // xorriso quotes each path; an embedded quote is written '"'"', which no seed file name has.
                files.Add(line[2..^1]);
            }
        }

        return files;
    }

    // mtools must not reject an image for its geometry nor read a user's mtoolsrc drive definitions.
    private static readonly IReadOnlyDictionary<string, string> MtoolsEnvironment = new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1", ["MTOOLSRC"] = "/dev/null" }.AsReadOnly();

    private static IEnumerable<string> SearchByLabel(string label)
    {
        // Exit 2 means nothing carries the label.
        var (exit, output, _) = RunTool("blkid", ["-t", "LABEL=" + label, "-o", "device"], null);
        return exit == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
    }

    // blkid -o export escapes spaces and shell specials with a backslash.
    private static string Unescape(string value) => value.Replace("\\", "", StringComparison.Ordinal);

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no message";

    private static (int Exit, string Output, string Error) RunTool(string tool, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        try
        {
            var result = ToolRunner.Run(new ToolOptions { Environment = environment, Timeout = ToolTimeout, AllowFailure = true }, tool, arguments);
            return (result.ExitCode, result.Output, result.Error);
        }
        catch (TimeoutException)
        {
            throw new InvalidDataException($"{tool} {string.Join(' ', arguments)}: no answer within {ToolTimeout.TotalSeconds} s, killed");
        }
        catch (IOException ex)
        {
            // With failures allowed, only a tool that cannot be started ends up here.
            throw new InvalidDataException($"{tool}: cannot run it ({ex.InnerException?.Message ?? ex.Message}); it is needed to read seed filesystems without mounting them", ex);
        }
    }
}
