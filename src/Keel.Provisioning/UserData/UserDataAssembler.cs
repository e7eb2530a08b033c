using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Merging;

namespace Keel.Provisioning.UserData;

/// <summary>What one user-data (or vendor-data) blob amounts to: its merged cloud-config and its scripts.</summary>
public sealed class AssembledUserData
{
    /// <summary>The cloud-config parts merged in order with their merge_how rules.</summary>
    public CloudMap CloudConfig { get; init; } = CloudMap.Empty;

    /// <summary>#! script parts, to be run by scripts_user (or scripts_vendor).</summary>
    public IReadOnlyList<UserDataPart> Scripts { get; init; } = [];

    /// <summary>Warnings and errors from processing and parsing.</summary>
    public IReadOnlyList<ProvisioningDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>Processes and assembles a blob; errors in one part never stop the others.</summary>
    public static AssembledUserData FromBlob(byte[] blob, string source, IIncludeFetcher? fetcher)
    {
        var processed = new UserDataProcessor(fetcher).Process(blob, source);
        return FromParts(processed.Parts, source, processed.Diagnostics);
    }

    /// <summary>Assembles already processed parts.</summary>
    public static AssembledUserData FromParts(IEnumerable<UserDataPart> parts, string source, IEnumerable<ProvisioningDiagnostic>? earlier = null)
    {
        var diagnostics = new List<ProvisioningDiagnostic>(earlier ?? []);
        var configs = new List<(CloudMap, string?)>();
        var scripts = new List<UserDataPart>();
        foreach (var part in parts)
        {
            var where = $"{source} ({part.Filename})";
            switch (part.ContentType)
            {
                case UserDataTypes.CloudConfig:
                    try
                    {
                        var node = YamlConfigReader.Parse(part.Text, where);
                        if (node is CloudMap map)
                        {
                            configs.Add((map, part.MergeType));
                        }
                        else if (node is not null)
                        {
                            diagnostics.Add(new(Severity.Error, where, $"cloud-config must be a mapping, found {node.TypeName}; part ignored"));
                        }
                    }
                    catch (Exception ex) when (YamlConfigReader.IsRefusal(ex))
                    {
                        diagnostics.Add(new(Severity.Error, where, ex.Message + "; part ignored"));
                    }

                    break;
                case UserDataTypes.ShellScript:
                    scripts.Add(part);
                    break;
                case UserDataTypes.BootHook or UserDataTypes.PartHandler or UserDataTypes.Jinja or UserDataTypes.CloudConfigJsonp:
                    diagnostics.Add(new(Severity.Warning, where, $"{part.ContentType} parts are not supported by keel-agent; part ignored"));
                    break;
                default:
                    diagnostics.Add(new(Severity.Warning, where, $"unhandled content type {part.ContentType}; part ignored"));
                    break;
            }
        }

        CloudMap merged;
        try
        {
            merged = ConfigMerge.MergeParts(configs);

            // Each part kept to the node budget can still add up past it (list(append) of shared subtrees).
            YamlConfigReader.CheckExpandedSize(merged, source);
        }
        catch (Exception ex) when (YamlConfigReader.IsRefusal(ex))
        {
            diagnostics.Add(new(Severity.Error, source, ex.Message));
            merged = CloudMap.Empty;
        }

        return new AssembledUserData { CloudConfig = merged, Scripts = scripts, Diagnostics = diagnostics };
    }
}
