using Keel.Provisioning.Config;

namespace Keel.Provisioning.Datasources;

/// <summary>What a datasource found: the instance identity, meta-data and the raw user/vendor data and network config.</summary>
public sealed record InstanceData(
    string DatasourceName,
    string InstanceId,
    CloudMap MetaData,
    byte[]? UserData,
    byte[]? VendorData,
    CloudNode? NetworkConfig)
{
    /// <summary>Configuration the datasource itself contributes (cloud-init's datasource cfg), below user and vendor data.</summary>
    public CloudMap DatasourceConfig { get; init; } = CloudMap.Empty;

    /// <summary>What the datasource found but could not use.</summary>
    public IReadOnlyList<ProvisioningDiagnostic> Warnings { get; init; } = [];

    /// <summary>Throws InvalidDataException unless <paramref name="instanceId"/> is usable as a directory name.</summary>
    public static string CheckInstanceId(string instanceId, string source) =>
        instanceId.Length == 0 || instanceId.Length > 255 || instanceId.Contains('/', StringComparison.Ordinal) || instanceId is "." or ".." || instanceId.Any(char.IsControl)
            ? throw new InvalidDataException($"{source}: instance-id '{instanceId}' is not usable as a directory name")
            : instanceId;

    /// <summary>meta-data local-hostname (or hostname), if any.</summary>
    public string? LocalHostname => MetaData.GetString("local-hostname") ?? MetaData.GetString("hostname");

    /// <summary>SSH public keys from meta-data public-keys (a string, a list, or a mapping of lists as EC2 gives them).</summary>
    public IReadOnlyList<string> PublicKeys => Flatten(MetaData["public-keys"]).Where(k => k.Length > 0).ToList();

    private static IEnumerable<string> Flatten(CloudNode? node) => node switch
    {
        CloudScalar { IsNull: false } s => s.Text.Split('\n').Select(l => l.Trim()),
        CloudList l => l.Items.SelectMany(Flatten),
        CloudMap m => m.Entries.SelectMany(e => Flatten(e.Value)),
        _ => [],
    };
}
