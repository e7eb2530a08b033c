using System.Text;
using Keel.Provisioning.Config;
using Keel.Provisioning.Datasources.Azure;
using Keel.Provisioning.Schema;
using Keel.Provisioning.UserData;
using Keel.Tests;

namespace Keel.Provisioning.Tests;

/// <summary>Inputs bench/fuzz's cloud-config, user-data-mime and azure-ovf targets found, replayed the way those
/// targets read them (bench/fuzz/Keel.Fuzz/Targets.cs).</summary>
public sealed class FuzzCorpusTests
{
    private static readonly CloudConfigSchema Schema = CloudConfigSchema.LoadEmbedded()
        ?? throw new InvalidOperationException("Keel.Provisioning was built without its embedded schema");

    public static TheoryData<string> CloudConfigFiles => FuzzCorpus.Files("cloud-config");

    public static TheoryData<string> UserDataFiles => FuzzCorpus.Files("user-data-mime");

    public static TheoryData<string> OvfFiles => FuzzCorpus.Files("azure-ovf");

    [Theory]
    [MemberData(nameof(CloudConfigFiles))]
    public void Cloud_config_reads_or_refuses(string name) => FuzzCorpus.AssertReadsOrRefuses("cloud-config", name, static (path, input) =>
    {
        var node = YamlConfigReader.Parse(Encoding.UTF8.GetString(input), path);
        _ = CloudConfigSchema.Format(Schema.Validate(node), path);
    });

    [Theory]
    [MemberData(nameof(UserDataFiles))]
    public void User_data_reads_or_refuses(string name) => FuzzCorpus.AssertReadsOrRefuses("user-data-mime", name, static (path, input) =>
    {
        // No fetcher: includes are reported, never followed.
        var assembled = AssembledUserData.FromBlob(input, path, fetcher: null);
        _ = Schema.Validate(assembled.CloudConfig);
    });

    [Theory]
    [MemberData(nameof(OvfFiles))]
    public void Ovf_environment_reads_or_refuses(string name) => FuzzCorpus.AssertReadsOrRefuses("azure-ovf", name, static (path, input) =>
    {
        var ovf = OvfEnvironment.Parse(Encoding.UTF8.GetString(input), path);
        if (ovf.DecodeCustomData(path) is { } custom)
        {
            _ = AssembledUserData.FromBlob(custom, path + " CustomData", fetcher: null);
        }
    });
}
