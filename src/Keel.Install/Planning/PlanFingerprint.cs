using System.Security.Cryptography;
using System.Text;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Errors;
using Keel.Install.Devices;

namespace Keel.Install.Planning;

/// <summary>One input of a plan and its state when the plan was made: a file's SHA-256, or a fact about the target.</summary>
public sealed record FingerprintItem(string What, string Value);

/// <summary>
/// What a plan was made from: the config file's bytes, every file it references (repository keys, the LUKS key file, the
/// preset), and the target's identity (a device's size, sector sizes, names and partition tables; an image's path and
/// directory). The engine takes it again before executing and before the first destructive step, and refuses when it differs.
/// </summary>
public sealed record PlanFingerprint(string Sha256, IReadOnlyList<FingerprintItem> Items)
{
    /// <summary>Takes the fingerprint of <paramref name="loaded"/> and the target; <paramref name="device"/> is null for an image.</summary>
    public static PlanFingerprint Take(LoadedConfig loaded, PackageRequest request, PlanTarget target, DeviceFacts? device)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(target);
        var items = new List<FingerprintItem> { File("config", loaded.Source) };
        foreach (var key in loaded.Config.Repositories.SelectMany(r => r.Gpgkeys).Distinct(StringComparer.Ordinal))
        {
            if (LocalPath(loaded, key) is { } path)
            {
                items.Add(File("key file", path));
            }
        }

        if (loaded.Config.Storage.Encryption?.KeyFile is { } keyFile)
        {
            items.Add(File("encryption key file", loaded.Resolve(keyFile)));
        }

        if (request.PresetFile is { Length: > 0 } preset)
        {
            items.Add(File("preset", preset));
        }

        if (device is null)
        {
            var output = Path.GetFullPath(target.Path);
            var directory = Path.GetDirectoryName(output)!;
            items.Add(new("image output", output));
            items.Add(new("image directory", Directory.Exists(directory) ? directory : directory + " (missing)"));
        }
        else
        {
            items.Add(new($"device {device.Path} size", device.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            items.Add(new($"device {device.Path} sector sizes", $"{device.LogicalSectorSize}/{device.PhysicalSectorSize}"));
            items.Add(new($"device {device.Path} identity", $"serial {device.Serial ?? "none"}; by-id {string.Join(" ", device.ById)}"));
            items.Add(new($"device {device.Path} partition table", device.PartitionTable));
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", items.Select(i => $"{i.What}\t{i.Value}"))));
        return new PlanFingerprint(Convert.ToHexStringLower(digest), items);
    }

    /// <summary>Throws <see cref="PlanStaleException"/> naming every input that differs in <paramref name="now"/>.</summary>
    public void Verify(PlanFingerprint now)
    {
        ArgumentNullException.ThrowIfNull(now);
        if (now.Sha256 == Sha256)
        {
            return;
        }

        var before = Items.ToDictionary(i => i.What, i => i.Value, StringComparer.Ordinal);
        var changed = now.Items.Where(i => !before.TryGetValue(i.What, out var v) || v != i.Value).Select(i => i.What)
            .Concat(Items.Select(i => i.What).Except(now.Items.Select(i => i.What), StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();
        throw new PlanStaleException(changed);
    }

    private static FingerprintItem File(string what, string path)
    {
        string value;
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            value = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            value = "unreadable";
        }

        return new FingerprintItem($"{what} {path}", value);
    }

    // Keys given as URLs are fetched (and checked) when the repositories load; only local files are part of the plan's input.
    private static string? LocalPath(LoadedConfig loaded, string key) =>
        key.StartsWith("file://", StringComparison.Ordinal) ? new Uri(key).LocalPath
        : key.Contains("://", StringComparison.Ordinal) ? null
        : loaded.Resolve(key);
}

/// <summary>The config or the target changed since the plan was made: the engine refuses to run a plan nobody saw.</summary>
public sealed class PlanStaleException(IReadOnlyList<string> changed)
    : KeelException(ReasonCodes.PlanStale, changed.Count > 0 ? changed[0] : "",
        $"{string.Join("; ", changed)}: changed since the plan was made; nothing was written",
        "make the plan again and confirm it")
{
    /// <summary>Every input that differs, as the fingerprint names it.</summary>
    public IReadOnlyList<string> Changed { get; } = changed;
}
