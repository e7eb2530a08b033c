using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Installer;
using Keel.Installer.Api;
using Keel.Installer.Service.Accounts;

namespace Keel.Installer.Service.Probes;

/// <summary>
/// Reads key files and os-release from a filesystem without mounting it where user-space tools can: vfat with mtools,
/// ext2/3/4 with debugfs, iso9660 with xorriso; exfat is mounted read-only when the kernel has it. The device may be an
/// image file, which is how the tests run it on a host whose kernel mounts neither vfat nor iso9660.
/// </summary>
public sealed partial class VolumeFileReader(ISystemAccess system, Func<string, string?>? findTool = null, string procFilesystems = "/proc/filesystems")
{
    private readonly Func<string, string?> findTool = findTool ?? (name => Keel.Processes.ToolLookup.Find(name));

    /// <summary>Filesystem types whose keys this reader looks for.</summary>
    public static IReadOnlyList<string> SearchedTypes { get; } = ["vfat", "ext2", "ext3", "ext4", "iso9660", "exfat"];

    private sealed record Entry(string Path, long? Size, bool Regular);

    /// <summary>Every key (and every problem) in authorized_keys, keel/authorized_keys and top-level *.pub on <paramref name="device"/>.</summary>
    public async Task<IReadOnlyList<FoundKey>> FindKeysAsync(string device, string? fsType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        switch (fsType)
        {
            case "vfat":
            case "ext2" or "ext3" or "ext4":
                return await FromEntriesAsync(device, fsType, cancellationToken).ConfigureAwait(false);
            case "iso9660" when findTool("xorriso") is null:
                return [KeyFiles.NotRead(device, "", "cannot read iso9660 here: xorriso is not installed")];
            case "iso9660":
                return await FromEntriesAsync(device, fsType, cancellationToken).ConfigureAwait(false);
            case "exfat":
                return await FromExfatAsync(device, cancellationToken).ConfigureAwait(false);
            default:
                return [KeyFiles.NotRead(device, "", $"not searched for keys: {fsType ?? "no filesystem"} (keys are read from {string.Join(", ", SearchedTypes)})")];
        }
    }

    /// <summary>The PRETTY_NAME of the system on an ext2/3/4 filesystem (its /etc/os-release or /usr/lib/os-release), or null.</summary>
    public async Task<string?> ReadOsNameAsync(string device, CancellationToken cancellationToken)
    {
        foreach (var path in (string[])["/etc/os-release", "/usr/lib/os-release"])
        {
            // debugfs's cat of a symlink prints nothing, so a linked /etc/os-release falls through to /usr/lib.
            var result = await system.RunAsync("debugfs", ["-R", $"cat {path}", device], allowFailure: true, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 0 && OsRelease.PrettyName(result.Output) is { } name)
            {
                return name;
            }
        }

        return null;
    }

    private async Task<IReadOnlyList<FoundKey>> FromEntriesAsync(string device, string fsType, CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        entries.AddRange((await ListAsync(device, fsType, "", cancellationToken).ConfigureAwait(false)).Where(e => e.Path == "authorized_keys" || (e.Path.EndsWith(".pub", StringComparison.OrdinalIgnoreCase) && e.Path.Length > 4)));
        entries.AddRange((await ListAsync(device, fsType, "keel", cancellationToken).ConfigureAwait(false)).Where(e => e.Path == "keel/authorized_keys"));
        var keys = new List<FoundKey>();
        foreach (var entry in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            if (!entry.Regular)
            {
                keys.Add(KeyFiles.NotRead(device, entry.Path, "not a regular file (a link or a directory); not read"));
            }
            else if (entry.Size is not { } size)
            {
                keys.Add(KeyFiles.NotRead(device, entry.Path, "its size could not be read; not read"));
            }
            else if (size > KeyFiles.MaxBytes)
            {
                keys.Add(KeyFiles.TooLarge(device, entry.Path, size));
            }
            else
            {
                var text = await ReadAsync(device, fsType, entry.Path, cancellationToken).ConfigureAwait(false);
                keys.AddRange(text is null ? [KeyFiles.NotRead(device, entry.Path, "could not be read")] : AuthorizedKeysParser.Parse(text, device, entry.Path));
            }
        }

        return keys;
    }

    // The entries of one directory ("" the top, "keel") with sizes, as each tool lists them.
    private async Task<List<Entry>> ListAsync(string device, string fsType, string directory, CancellationToken cancellationToken)
    {
        var prefix = directory.Length == 0 ? "" : directory + "/";
        var entries = new List<Entry>();
        if (fsType == "vfat")
        {
            var listing = await system.RunAsync("mdir", ["-b", "-i", device, "::/" + directory], allowFailure: true, cancellationToken).ConfigureAwait(false);
            if (listing.ExitCode != 0)
            {
                return entries;
            }

            foreach (var line in listing.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var path = line.TrimEnd('\r');
                if (!path.StartsWith("::/", StringComparison.Ordinal) || path.EndsWith('/'))
                {
                    continue;
                }

                var relative = path[3..];
                if (Path.GetFileName(relative) is "authorized_keys" || relative.EndsWith(".pub", StringComparison.OrdinalIgnoreCase))
                {
                    entries.Add(new Entry(relative, await FatSizeAsync(device, relative, cancellationToken).ConfigureAwait(false), true));
                }
            }
        }
        else if (fsType is "ext2" or "ext3" or "ext4")
        {
            var listing = await system.RunAsync("debugfs", ["-R", $"ls -p /{directory}", device], allowFailure: true, cancellationToken).ConfigureAwait(false);
            foreach (Match m in ExtEntry().Matches(listing.Output))
            {
                var name = m.Groups["name"].Value;
                if (name is "." or "..")
                {
                    continue;
                }

                var regular = m.Groups["mode"].Value.StartsWith("10", StringComparison.Ordinal) && m.Groups["mode"].Length == 6;
                entries.Add(new Entry(prefix + name, long.TryParse(m.Groups["size"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null, regular));
            }
        }
        else
        {
            var listing = await system.RunAsync("xorriso", ["-indev", device, "-lsl", "/" + directory], allowFailure: true, cancellationToken).ConfigureAwait(false);
            foreach (Match m in IsoEntry().Matches(listing.Output))
            {
                entries.Add(new Entry(prefix + m.Groups["name"].Value, long.Parse(m.Groups["size"].Value, CultureInfo.InvariantCulture), m.Groups["type"].Value == "-"));
            }
        }

        return entries;
    }

    // mdir of one file: "AUTHOR~1            19 2026-12-07  13:43  authorized_keys".
    private async Task<long?> FatSizeAsync(string device, string relative, CancellationToken cancellationToken)
    {
        var result = await system.RunAsync("mdir", ["-i", device, "::/" + relative], allowFailure: true, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 && FatSize().Match(result.Output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private async Task<string?> ReadAsync(string device, string fsType, string relative, CancellationToken cancellationToken)
    {
        switch (fsType)
        {
            case "vfat":
                {
                    var result = await system.RunAsync("mtype", ["-i", device, "::/" + relative], allowFailure: true, cancellationToken).ConfigureAwait(false);
                    return result.ExitCode == 0 ? result.Output : null;
                }

            case "iso9660":
                {
                    var dir = Directory.CreateTempSubdirectory("keel-iso-");
                    try
                    {
                        var output = Path.Combine(dir.FullName, "file");
                        var result = await system.RunAsync("xorriso", ["-osirrox", "on", "-indev", device, "-extract", "/" + relative, output], allowFailure: true, cancellationToken).ConfigureAwait(false);
                        return result.ExitCode == 0 && File.Exists(output) && new FileInfo(output).Length <= KeyFiles.MaxBytes ? await File.ReadAllTextAsync(output, cancellationToken).ConfigureAwait(false) : null;
                    }
                    finally
                    {
                        dir.Delete(recursive: true);
                    }
                }

            default:
                {
                    // debugfs takes one request line: a name with a double quote cannot be quoted in it.
                    if (relative.Contains('"', StringComparison.Ordinal))
                    {
                        return null;
                    }

                    var result = await system.RunAsync("debugfs", ["-R", $"cat \"/{relative}\"", device], allowFailure: true, cancellationToken).ConfigureAwait(false);
                    return result.ExitCode == 0 ? result.Output : null;
                }
        }
    }

    private async Task<IReadOnlyList<FoundKey>> FromExfatAsync(string device, CancellationToken cancellationToken)
    {
        var kernelHasExfat = File.Exists(procFilesystems) && File.ReadLines(procFilesystems).Any(l => l.Split('\t', ' ').Contains("exfat", StringComparer.Ordinal));
        if (!kernelHasExfat)
        {
            return [KeyFiles.NotRead(device, "", "cannot read exfat here: the kernel has no exfat support")];
        }

        var mountPoint = Directory.CreateTempSubdirectory("keel-exfat-").FullName;
        try
        {
            await system.MountReadOnlyAsync(device, mountPoint, "exfat", cancellationToken).ConfigureAwait(false);
            try
            {
                var keys = new List<FoundKey>();
                var files = Directory.EnumerateFiles(mountPoint).Select(f => Path.GetFileName(f)).Where(KeyFiles.IsKeyFile).ToList();
                if (File.Exists(Path.Combine(mountPoint, "keel", "authorized_keys")))
                {
                    files.Add("keel/authorized_keys");
                }

                foreach (var file in files.Order(StringComparer.Ordinal))
                {
                    var info = new FileInfo(Path.Combine(mountPoint, file));
                    keys.AddRange(info.Length > KeyFiles.MaxBytes ? [KeyFiles.TooLarge(device, file, info.Length)]
                        : AuthorizedKeysParser.Parse(await File.ReadAllTextAsync(info.FullName, cancellationToken).ConfigureAwait(false), device, file));
                }

                return keys;
            }
            finally
            {
                await system.UnmountAsync(mountPoint, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(mountPoint);
        }
    }

    // debugfs ls -p: /INODE/MODE/UID/GID/NAME/SIZE/ (a directory's size is empty).
    [GeneratedRegex(@"^/(?<ino>\d+)/(?<mode>\d+)/\d+/\d+/(?<name>[^/]+)/(?<size>\d*)/\s*$", RegexOptions.Multiline)]
    private static partial Regex ExtEntry();

    // xorriso -lsl: "-rw-r--r--    1 0        0              19 Dec  7 13:43 'authorized_keys'".
    [GeneratedRegex(@"^(?<type>[-dlbcps])\S{9}\s+\d+\s+\S+\s+\S+\s+(?<size>\d+)\s+\S+\s+\d+\s+\S+\s+'(?<name>[^']+)'(?: -> .*)?\s*$", RegexOptions.Multiline)]
    private static partial Regex IsoEntry();

    [GeneratedRegex(@"\s(\d+)\s+\d{4}-\d{2}-\d{2}\s")]
    private static partial Regex FatSize();
}

/// <summary>Reads os-release(5) text.</summary>
public static class OsRelease
{
    /// <summary>PRETTY_NAME (or NAME VERSION) with shell quoting removed; null when neither is there.</summary>
    public static string? PrettyName(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..];
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            values[line[..eq]] = value;
        }

        return values.GetValueOrDefault("PRETTY_NAME") is { Length: > 0 } pretty ? pretty
            : values.GetValueOrDefault("NAME") is { Length: > 0 } name ? (values.GetValueOrDefault("VERSION") is { Length: > 0 } v ? $"{name} {v}" : name)
            : null;
    }
}
