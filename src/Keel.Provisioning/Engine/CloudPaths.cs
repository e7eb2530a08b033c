namespace Keel.Provisioning.Engine;

/// <summary>cloud-init's state layout under /var/lib/cloud, as paths inside the target root.</summary>
public sealed class CloudPaths
{
    /// <summary>The state directory.</summary>
    public const string CloudDir = "/var/lib/cloud";

    /// <summary>Creates the paths for one instance.</summary>
    public CloudPaths(string instanceId) => InstanceId = instanceId;

    /// <summary>The instance these paths belong to.</summary>
    public string InstanceId { get; }

    /// <summary>instances/ID.</summary>
    public string InstanceDir => $"{CloudDir}/instances/{InstanceId}";

    /// <summary>The "instance" symlink to the current instance directory.</summary>
    public static string InstanceLink => CloudDir + "/instance";

    /// <summary>Per-instance semaphores.</summary>
    public string InstanceSemDir => InstanceDir + "/sem";

    /// <summary>User scripts (runcmd, #! parts).</summary>
    public string ScriptsDir => InstanceDir + "/scripts";

    /// <summary>Vendor scripts.</summary>
    public string VendorScriptsDir => ScriptsDir + "/vendor";

    /// <summary>Once-ever semaphores and per-boot markers.</summary>
    public static string GlobalSemDir => CloudDir + "/sem";

    /// <summary>data/.</summary>
    public static string DataDir => CloudDir + "/data";

    /// <summary>The current instance-id record.</summary>
    public static string InstanceIdFile => DataDir + "/instance-id";

    /// <summary>The previous instance-id record.</summary>
    public static string PreviousInstanceIdFile => DataDir + "/previous-instance-id";

    /// <summary>keel-agent's status document.</summary>
    public static string StatusFile => DataDir + "/keel-status.json";

    /// <summary>The hostname set_hostname last wrote (update_hostname only follows changes it made itself).</summary>
    public static string SetHostnameFile => DataDir + "/set-hostname";

    /// <summary>The seed directory cloud-init clean keeps.</summary>
    public static string SeedDir => CloudDir + "/seed";
}
