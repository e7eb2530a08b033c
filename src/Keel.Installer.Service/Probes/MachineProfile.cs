using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Errors;

namespace Keel.Installer.Service.Probes;

/// <summary>A machine described in a JSON file for `--dry-run`: its disks, removable volumes, interfaces and host name.</summary>
public sealed class MachineProfile
{
    /// <summary>Short name; also names the profile's scratch directory.</summary>
    public string? Name { get; set; }

    /// <summary>One sentence on what the profile is for.</summary>
    public string? Description { get; set; }

    public List<ProfileDisk>? Disks { get; set; }

    /// <summary>Filesystems on removable drives, with the files on them.</summary>
    public List<ProfileVolume>? Removable { get; set; }

    public List<ProfileInterface>? Interfaces { get; set; }

    public string? Hostname { get; set; }

    /// <summary>
    /// Reads and checks <paramref name="path"/>; a bad file throws <see cref="KeelException"/> (invalid-input) with one
    /// line naming the file and the field.
    /// </summary>
    public static MachineProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeelException(ReasonCodes.InvalidInput, path, $"{path}: cannot read the machine profile: {e.Message}", inner: e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks profile JSON; <paramref name="source"/> names it in errors.</summary>
    public static MachineProfile Parse(string json, string source)
    {
        MachineProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, MachineProfileJsonContext.Default.MachineProfile);
        }
        catch (JsonException e)
        {
            // JsonException's message ends with its path and position; the path (the field) and the first sentence say it.
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : e.Path[2..] + ": ";
            var reason = Friendly(e.Message.Split(" Path:", 2)[0].Split(". ", 2)[0].TrimEnd('.'));
            throw new KeelException(ReasonCodes.InvalidInput, source, $"{source}: {field}{reason}", inner: e);
        }

        if (profile is null)
        {
            throw new KeelException(ReasonCodes.InvalidInput, source, $"{source}: the profile is null, expected an object");
        }

        profile.Check(source);
        return profile;
    }

    // The serializer names .NET types; a profile's author thinks in JSON values.
    private static string Friendly(string reason)
    {
        const string convert = "The JSON value could not be converted to ";
        if (!reason.StartsWith(convert, StringComparison.Ordinal))
        {
            return reason.Replace("The JSON property", "the field", StringComparison.Ordinal).Replace(" could not be mapped to any .NET member contained in type ", " is not known in ", StringComparison.Ordinal);
        }

        var type = reason[convert.Length..];
        var expected = type switch
        {
            _ when type.Contains("Int64", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list [...]",
            _ when type.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "an object of file name to text",
            "System.String" => "a string",
            _ => "an object {...}",
        };
        return "expected " + expected;
    }

    private void Check(string source)
    {
        void Fail(string field, string problem) => throw new KeelException(ReasonCodes.InvalidInput, source, $"{source}: {field}: {problem}");

        if (string.IsNullOrWhiteSpace(Name))
        {
            Fail("name", "missing");
        }

        if (Name!.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || Name is "." or "..")
        {
            Fail("name", $"'{Name}' must be letters, digits, '-', '_' or '.' (it names a directory)");
        }

        if (Disks is null)
        {
            Fail("disks", "missing (an empty list [] is a machine without disks)");
        }

        var devices = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Disks!.Count; i++)
        {
            var d = Disks[i];
            var at = $"disks[{i}]";
            if (d is null)
            {
                Fail(at, "null, expected an object");
            }

            CheckDevice(d!.Path, at + ".path", devices, Fail);
            if (d.SizeBytes is not > 0)
            {
                Fail(at + ".sizeBytes", d.SizeBytes is null ? "missing" : $"{d.SizeBytes} is not a positive size");
            }

            var parts = d.Partitions ?? [];
            long sum = 0;
            for (var j = 0; j < parts.Count; j++)
            {
                var p = parts[j];
                var pat = $"{at}.partitions[{j}]";
                if (p is null)
                {
                    Fail(pat, "null, expected an object");
                }

                // A filesystem written straight onto the disk is listed as its one partition, with the disk's path (as DiskLister does).
                if (!(parts.Count == 1 && p!.Path == d.Path))
                {
                    CheckDevice(p!.Path, pat + ".path", devices, Fail);
                }

                if (p.SizeBytes is not > 0)
                {
                    Fail(pat + ".sizeBytes", p.SizeBytes is null ? "missing" : $"{p.SizeBytes} is not a positive size");
                }

                sum += p.SizeBytes!.Value;
            }

            if (sum > d.SizeBytes)
            {
                Fail(at + ".partitions", $"the partitions add up to {sum} bytes, more than the disk's {d.SizeBytes}");
            }
        }

        var volumes = Removable ?? [];
        var volumeDevices = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < volumes.Count; i++)
        {
            var v = volumes[i];
            var at = $"removable[{i}]";
            if (v is null)
            {
                Fail(at, "null, expected an object");
            }

            // A volume is usually also a disk's partition: its device may repeat one, but not another volume's.
            CheckDevice(v!.Device, at + ".device", volumeDevices, Fail);
            if (v.SizeBytes is < 0)
            {
                Fail(at + ".sizeBytes", $"{v.SizeBytes} is negative");
            }

            foreach (var name in (v.Files ?? []).Keys)
            {
                if (name.Length == 0 || name.StartsWith('/') || name.Split('/').Any(s => s is "" or "." or ".."))
                {
                    Fail($"{at}.files", $"'{name}' must be a relative path such as authorized_keys or keel/authorized_keys");
                }
            }
        }

        var interfaces = Interfaces ?? [];
        for (var i = 0; i < interfaces.Count; i++)
        {
            if (interfaces[i] is null || string.IsNullOrWhiteSpace(interfaces[i].Name))
            {
                Fail($"interfaces[{i}].name", "missing");
            }
        }
    }

    private static void CheckDevice(string? path, string field, HashSet<string> seen, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            fail(field, "missing");
        }
        else if (!path.StartsWith("/dev/", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal))
        {
            fail(field, $"'{path}' must be a device path under /dev/");
        }
        else if (!seen.Add(path))
        {
            fail(field, $"'{path}' appears twice");
        }
    }
}

/// <summary>A whole disk in a machine profile.</summary>
public sealed class ProfileDisk
{
    public string? Path { get; set; }

    /// <summary>The /dev/disk/by-id name.</summary>
    public string? ById { get; set; }

    public string? Model { get; set; }

    public long? SizeBytes { get; set; }

    public bool Removable { get; set; }

    /// <summary>nvme, sata, virtio, usb, ...</summary>
    public string? Transport { get; set; }

    public bool ReadOnly { get; set; }

    /// <summary>The installer booted from this disk.</summary>
    public bool HoldsMedium { get; set; }

    public List<ProfilePartition>? Partitions { get; set; }

    /// <summary>The PRETTY_NAME of the operating system on the disk, if any.</summary>
    public string? ExistingOs { get; set; }
}

/// <summary>A partition of a profile disk.</summary>
public sealed class ProfilePartition
{
    public string? Path { get; set; }

    public long? SizeBytes { get; set; }

    public string? FsType { get; set; }

    public string? Label { get; set; }
}

/// <summary>A filesystem on a removable drive in a profile, with the text files on it by relative path.</summary>
public sealed class ProfileVolume
{
    public string? Device { get; set; }

    public string? FsType { get; set; }

    public string? Label { get; set; }

    public long? SizeBytes { get; set; }

    public bool Writable { get; set; } = true;

    /// <summary>Relative path → content: authorized_keys, keel/authorized_keys, NAME.pub, anything else.</summary>
    public Dictionary<string, string>? Files { get; set; }
}

/// <summary>A network interface in a profile.</summary>
public sealed class ProfileInterface
{
    public string? Name { get; set; }

    public string? Mac { get; set; }

    public bool Up { get; set; }

    /// <summary>Addresses with prefix length, e.g. 192.168.122.15/24.</summary>
    public List<string>? Addresses { get; set; }
}

/// <summary>Source-generated JSON for machine profiles (camelCase, unknown fields refused so a typo is not silently ignored).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, WriteIndented = true)]
[JsonSerializable(typeof(MachineProfile))]
internal sealed partial class MachineProfileJsonContext : JsonSerializerContext;
