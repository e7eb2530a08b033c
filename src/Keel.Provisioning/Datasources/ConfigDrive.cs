using System.Text;
using System.Text.Json;
using Keel.Provisioning.Config;

namespace Keel.Provisioning.Datasources;

/// <summary>
/// cloud-init's ConfigDrive (OpenStack "config-2") read from a mounted directory: openstack/latest/meta_data.json
/// (uuid, hostname, public_keys) and the optional user_data and vendor_data.json.
/// </summary>
public static class ConfigDrive
{
    /// <summary>The datasource name.</summary>
    public const string Name = "ConfigDrive";

    /// <summary>The meta-data file whose presence identifies a config drive.</summary>
    public const string MetaDataPath = "openstack/latest/meta_data.json";

    /// <summary>The files of a drive that are read.</summary>
    public static readonly IReadOnlyList<string> FileNames = [MetaDataPath, "openstack/latest/user_data", "openstack/latest/vendor_data.json"];

    /// <summary>Whether <paramref name="directory"/> looks like a mounted config drive.</summary>
    public static bool Detect(string? directory) => directory is not null && File.Exists(Path.Combine(directory, MetaDataPath));

    /// <summary>Reads the drive; throws InvalidDataException naming the file at fault.</summary>
    public static InstanceData Read(string directory)
    {
        var metaPath = Path.Combine(directory, MetaDataPath);
        var metaBytes = ReadOptional(metaPath) ?? throw new InvalidDataException($"{metaPath}: ConfigDrive meta_data.json is missing");
        var userData = ReadOptional(Path.Combine(directory, "openstack/latest/user_data"));
        var vendorPath = Path.Combine(directory, "openstack/latest/vendor_data.json");
        var vendorJson = ReadOptional(vendorPath);
        CloudMap raw;
        try
        {
            using var doc = JsonDocument.Parse(metaBytes, new JsonDocumentOptions { MaxDepth = 64 });
            raw = CloudJson.FromJson(doc.RootElement) as CloudMap ?? throw new InvalidDataException($"{metaPath}: not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{metaPath}: malformed JSON: {ex.Message}", ex);
        }

        var uuid = raw.GetString("uuid") ?? throw new InvalidDataException($"{metaPath}: no 'uuid' (the instance id)");
        var instanceId = InstanceData.CheckInstanceId(uuid, metaPath);
        var meta = new List<KeyValuePair<string, CloudNode>> { new("instance-id", CloudScalar.Str(instanceId)) };
        if ((raw.GetString("hostname") ?? raw.GetString("name")) is { } host)
        {
            meta.Add(new("local-hostname", CloudScalar.Str(host)));
        }

        if (raw["public_keys"] is CloudMap keys)
        {
            meta.Add(new("public-keys", keys));
        }

        return new InstanceData(Name, instanceId, new CloudMap(meta), userData ?? [], VendorData(vendorJson, vendorPath), null);
    }

    // vendor_data.json is a JSON string, or an object whose "cloud-init" member is the vendor data (cloud-init's convert_vendordata).
    private static byte[]? VendorData(byte[]? json, string path)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var element = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("cloud-init", out var ci) ? ci : doc.RootElement;
            return element.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(element.GetString()!) : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: malformed JSON: {ex.Message}", ex);
        }
    }

    private static byte[]? ReadOptional(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        // The limit holds while reading: the length of a link to /dev/zero is 0.
        try
        {
            return UserData.BoundedRead.ReadFile(path, NoCloudSeed.MaxFileBytes, path);
        }
        catch (Keel.Errors.KeelException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }
}
