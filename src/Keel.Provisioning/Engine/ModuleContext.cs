using Keel.Provisioning.Config;
using Keel.Provisioning.Datasources;
using Keel.Provisioning.UserData;
using Keel.TargetSystem;
using Keel.TargetSystem.Accounts;

namespace Keel.Provisioning.Engine;

/// <summary>Everything a module may use: the root, the merged config, the instance, the scripts and a log.</summary>
public sealed class ModuleContext
{
    /// <summary>Creates a context.</summary>
    public ModuleContext(TargetRoot root, CloudMap config, InstanceData instance, ProvisioningOptions options, TextWriter log)
    {
        Root = root;
        Config = config;
        Instance = instance;
        Options = options;
        Log = log;
        Paths = new CloudPaths(instance.InstanceId);
    }

    /// <summary>The target root.</summary>
    public TargetRoot Root { get; }

    /// <summary>The merged cloud-config (user data over vendor data over the system config).</summary>
    public CloudMap Config { get; }

    /// <summary>The datasource's instance data.</summary>
    public InstanceData Instance { get; }

    /// <summary>How this run was asked to behave.</summary>
    public ProvisioningOptions Options { get; }

    /// <summary>Human-readable progress and command output.</summary>
    public TextWriter Log { get; }

    /// <summary>State paths for this instance.</summary>
    public CloudPaths Paths { get; }

    /// <summary>#! parts of user data.</summary>
    public IReadOnlyList<UserDataPart> UserScripts { get; init; } = [];

    /// <summary>#! parts of vendor data.</summary>
    public IReadOnlyList<UserDataPart> VendorScripts { get; init; } = [];

    /// <summary>The caller's cancellation (Ctrl-C, systemd stop); modules that wait check it so a stop is never held up.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Warnings a module wants in the status without failing.</summary>
    public List<ProvisioningDiagnostic> Warnings { get; } = [];

    /// <summary>Whether scripts may be executed (root is "/" or execution in the root was asked for).</summary>
    public bool CanExecute => Root.IsHostRoot || Options.ExecuteInRoot;

    /// <summary>Loads the root's account files.</summary>
    public AccountDatabase LoadAccounts() => AccountDatabase.Load(Root, Options.Now);
}
