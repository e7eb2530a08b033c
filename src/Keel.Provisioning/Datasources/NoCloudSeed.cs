using Keel.Provisioning.Config;

namespace Keel.Provisioning.Datasources;

/// <summary>
/// cloud-init's NoCloud datasource read from a seed directory: meta-data and user-data are required (as in cloud-init),
/// vendor-data and network-config optional. An instance-id missing from meta-data defaults to "nocloud", as cloud-init does.
/// </summary>
public static class NoCloudSeed
{
    /// <summary>Largest seed file read.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>The files a seed may hold.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["meta-data", "user-data", "vendor-data", "network-config"];

    /// <summary>Reads the seed in <paramref name="directory"/>; throws InvalidDataException naming the file at fault.</summary>
    public static InstanceData Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidDataException($"{directory}: NoCloud seed directory does not exist");
        }

        var metaBytes = ReadRequired(directory, "meta-data");
        var userData = ReadRequired(directory, "user-data");
        var vendorData = ReadOptional(directory, "vendor-data");
        var networkBytes = ReadOptional(directory, "network-config");

        CloudMap meta;
        CloudNode? network = null;
        try
        {
            meta = YamlConfigReader.ParseMap(System.Text.Encoding.UTF8.GetString(metaBytes), Path.Combine(directory, "meta-data"));
            if (networkBytes is not null)
            {
                network = YamlConfigReader.Parse(System.Text.Encoding.UTF8.GetString(networkBytes), Path.Combine(directory, "network-config"));
            }
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        var instanceId = InstanceData.CheckInstanceId(meta.GetString("instance-id") ?? "nocloud", Path.Combine(directory, "meta-data"));

        return new InstanceData("NoCloud", instanceId, meta, userData, vendorData, network);
    }

    private static byte[] ReadRequired(string directory, string name) =>
        ReadOptional(directory, name) ?? throw new InvalidDataException($"{Path.Combine(directory, name)}: required NoCloud seed file is missing");

    private static byte[]? ReadOptional(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (!new FileInfo(path).Exists)
        {
            return null;
        }

        // The limit holds while reading: a seed file that is a link to /dev/zero has length 0.
        return UserData.BoundedRead.ReadFile(path, MaxFileBytes, path);
    }
}
