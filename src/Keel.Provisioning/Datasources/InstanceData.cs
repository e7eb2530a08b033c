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
