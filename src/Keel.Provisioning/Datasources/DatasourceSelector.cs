using Keel.Provisioning.Config;
using Keel.Provisioning.Datasources.Azure;
using Keel.TargetSystem;

namespace Keel.Provisioning.Datasources;

/// <summary>Where each datasource is looked for; every path and address is injectable.</summary>
public sealed record DatasourceSettings
{
    /// <summary>The order to try, overriding the root's datasource_list; null uses the config or <see cref="DatasourceSelector.DefaultList"/>.</summary>
    public IReadOnlyList<string>? List { get; init; }

    /// <summary>A NoCloud seed directory on the host; null looks for /var/lib/cloud/seed/nocloud in the root. Given explicitly, NoCloud is chosen even if it is missing (so the error is reported).</summary>
    public string? NoCloudSeed { get; init; }

    /// <summary>A mounted config-2 drive.</summary>
    public string? ConfigDrive { get; init; }

    /// <summary>Azure endpoints and the provisioning CD directory.</summary>
    public AzureOptions Azure { get; init; } = new();

    /// <summary>Azure is chosen when this file holds Azure's chassis asset tag (cloud-init's ds-identify test).</summary>
    public string ChassisAssetTagFile { get; init; } = "/sys/class/dmi/id/chassis_asset_tag";

    /// <summary>Choose Azure without detection (an IMDS address was given).</summary>
    public bool ForceAzure { get; init; }

    /// <summary>
    /// Block devices or image files probed for cidata/config-2 filesystems. Null lets blkid search the machine's devices
    /// when the root is "/" and searches nothing for a target root (the host's devices are not the target's).
    /// </summary>
    public IReadOnlyList<string>? SeedDevices { get; init; }
}

/// <summary>The datasource chosen: its name, how to read it and whom to tell when provisioning finished.</summary>
public sealed record SelectedDatasource(string Name, Func<CancellationToken, InstanceData> Read, IReadyReporter? Reporter)
{
    /// <summary>Where it was found (a device), for the log; null when the name says it all.</summary>
    public string? Source { get; init; }
}

/// <summary>cloud-init's datasource search: the first datasource in datasource_list that is detected; None always is.</summary>
public static class DatasourceSelector
{
    /// <summary>The order without configuration.</summary>
    public static IReadOnlyList<string> DefaultList { get; } = ["NoCloud", "ConfigDrive", "Azure", "None"];

    /// <summary>Azure's DMI chassis asset tag.</summary>
    public const string AzureChassisAssetTag = "7783-7084-3265-9085-8269-3286-77";

    /// <summary>Labels of a NoCloud seed filesystem (cloud-init's fs_label "cidata", upper and lower case).</summary>
    public static readonly IReadOnlyList<string> NoCloudLabels = ["cidata", "CIDATA"];

    /// <summary>Labels of a ConfigDrive filesystem.</summary>
    public static readonly IReadOnlyList<string> ConfigDriveLabels = ["config-2", "CONFIG-2"];

    /// <summary>The instance-id of the None datasource (as cloud-init).</summary>
    public const string NoneInstanceId = "iid-datasource-none";

    /// <summary>Picks the datasource for <paramref name="root"/>; <paramref name="http"/> serves Azure. Throws InvalidDataException when none is found.</summary>
    public static SelectedDatasource Select(TargetRoot root, DatasourceSettings settings, CloudMap systemConfig, RetryingHttp http)
    {
        var list = settings.List ?? ConfiguredList(systemConfig) ?? DefaultList;
        foreach (var name in list)
        {
            switch (name)
            {
                case "NoCloud" or "NoCloudNet":
                    var seed = settings.NoCloudSeed ?? root.Resolve(Engine.CloudPaths.SeedDir + "/nocloud");
                    // As cloud-init: the root's seed directory counts only when it holds meta-data. Packages ship it
                    // empty (keel-agent's does), and then a cidata filesystem must still be found.
                    if (settings.NoCloudSeed is not null || File.Exists(Path.Combine(seed, "meta-data")))
                    {
                        return new("NoCloud", _ => NoCloudSeed.Read(seed), null);
                    }

                    if (FirstLabelled(root, settings, NoCloudLabels) is { } cidata)
                    {
                        return new("NoCloud", _ => SeedFilesystem.Read(cidata, NoCloudSeed.FileNames, NoCloudSeed.Read), null) { Source = cidata.Describe() };
                    }

                    break;
                case ConfigDrive.Name:
                    if (ConfigDrive.Detect(settings.ConfigDrive))
                    {
                        return new(ConfigDrive.Name, _ => ConfigDrive.Read(settings.ConfigDrive!), null);
                    }

                    if (settings.ConfigDrive is null && FirstLabelled(root, settings, ConfigDriveLabels) is { } drive)
                    {
                        return new(ConfigDrive.Name, _ => SeedFilesystem.Read(drive, ConfigDrive.FileNames, ConfigDrive.Read), null) { Source = drive.Describe() };
                    }

                    break;
                case AzureDatasource.Name:
                    if (settings.ForceAzure || IsAzure(settings))
                    {
                        var azure = new AzureDatasource(settings.Azure, http);
                        return new(AzureDatasource.Name, azure.Read, azure.Reporter);
                    }

                    break;
                case "None":
                    return new("None", _ => new InstanceData("None", NoneInstanceId, new CloudMap([new("instance-id", CloudScalar.Str(NoneInstanceId))]), [], null, null), null);
                default:
                    throw new InvalidDataException($"datasource_list: '{name}' is not a datasource keel-agent knows (NoCloud, ConfigDrive, Azure, None)");
            }
        }

        throw new InvalidDataException($"no datasource found (tried {string.Join(", ", list)})");
    }

    private static LabelledFilesystem? FirstLabelled(TargetRoot root, DatasourceSettings settings, IReadOnlyList<string> labels)
    {
        var candidates = settings.SeedDevices ?? (root.IsHostRoot ? null : []);
        if (candidates is { Count: 0 })
        {
            return null;
        }

        var found = LabelledFilesystem.Find(labels, candidates);
        return found.Count > 0 ? found[0] : null;
    }

    private static bool IsAzure(DatasourceSettings settings)
    {
        if (settings.Azure.OvfDirectory is { } ovf && File.Exists(Path.Combine(ovf, OvfEnvironment.FileName)))
        {
            return true;
        }

        try
        {
            return File.Exists(settings.ChassisAssetTagFile) && File.ReadAllText(settings.ChassisAssetTagFile).Trim() == AzureChassisAssetTag;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<string>? ConfiguredList(CloudMap config) => config["datasource_list"] switch
    {
        CloudList l => l.Items.Select(i => i is CloudScalar { IsNull: false } s ? s.Text : throw new InvalidDataException($"datasource_list (line {i.Line}): entries must be names")).ToList(),
        CloudScalar s when !s.IsNull => s.Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        _ => null,
    };
}
