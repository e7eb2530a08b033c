using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's package_update_upgrade_install: package_update (dnf makecache; also done before an upgrade or install, as
/// cloud-init does), package_upgrade (dnf upgrade) and packages (dnf install; [name, version] means name-version). Each
/// step runs even if an earlier one failed; any failure fails the module, naming every failed step.
/// </summary>
public sealed class PackageUpdateUpgradeInstallModule() : CloudConfigModule("package_update_upgrade_install", Frequency.PerInstance, Stage.Final)
{
    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var config = context.Config;
        var update = config.GetBool("package_update", false) || config.GetBool("apt_update", false);
        var upgrade = config.GetBool("package_upgrade", false) || config.GetBool("apt_upgrade", false);
        var list = ConfigValues.List(config, "packages", Name);
        if (!update && !upgrade && list is not { Items.Count: > 0 })
        {
            return ModuleOutcome.NothingToDo;
        }

        // Running the package manager executes the packages' scriptlets inside the root: like scripts, only on the machine
        // itself or when execution in the root was asked for; otherwise the first boot does it with the machine's own dnf.
        if (!context.CanExecute)
        {
            context.Log.WriteLine($"{Name}: deferred to the first boot of the root (package scriptlets run in it; use --execute to install now)");
            return ModuleOutcome.Deferred;
        }

        var errors = new List<string>();
        List<string>? packages = null;
        try
        {
            packages = list is null ? [] : Expand(list);
        }
        catch (InvalidDataException ex)
        {
            errors.Add(ex.Message);
        }

        PackageManager dnf;
        try
        {
            dnf = PackageManager.Find(context);
        }
        catch (IOException ex)
        {
            errors.Add(ex.Message);
            throw new IOException(string.Join("; ", errors));
        }

        Step(errors, () => dnf.Run(["makecache"]));
        if (upgrade)
        {
            Step(errors, () => dnf.Run(["upgrade"]));
        }

        if (packages is { Count: > 0 })
        {
            Step(errors, () => dnf.Run(["install", .. packages]));
        }

        if (config.GetBool("package_reboot_if_required", false) || config.GetBool("apt_reboot_if_required", false))
        {
            // cloud-init only reboots when /var/run/reboot-required exists, which dnf never writes.
            context.Log.WriteLine($"{Name}: package_reboot_if_required: dnf does not ask for a reboot; nothing to do");
        }

        return errors.Count == 0 ? ModuleOutcome.Done : throw new IOException(string.Join("; ", errors));
    }

    /// <summary>cloud-init's expand_package_list("%s-%s"): names, [name] and [name, version]; throws InvalidDataException for anything else.</summary>
    public static List<string> Expand(CloudList list)
    {
        var result = new List<string>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var where = $"packages.{i} (line {item.Line})";
            var spec = item switch
            {
                CloudScalar { IsNull: false, Kind: not ScalarKind.Binary } s => Checked(s.Text, where),
                CloudList { Items.Count: 1 } l when l.Items[0] is CloudScalar { IsNull: false } n => Checked(n.Text, where),
                CloudList { Items.Count: 2 } l when l.Items[0] is CloudScalar { IsNull: false } n && l.Items[1] is CloudScalar v =>
                    v.IsNull || v.Text.Length == 0 ? Checked(n.Text, where) : Checked($"{n.Text}-{v.Text}", where),
                _ => throw new InvalidDataException($"{where}: must be a package name or a [name, version] list, not {item.TypeName}"),
            };
            result.Add(spec);
        }

        return result;
    }

    // A name that dnf would read as an option, or one with white space, would change the command, not name a package.
    private static string Checked(string spec, string where) =>
        spec.Length == 0 || spec[0] == '-' || spec.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? throw new InvalidDataException($"{where}: '{spec}' is not a package name (empty, starts with '-' or holds white space)")
            : spec;

    private static void Step(List<string> errors, Action action)
    {
        try
        {
            action();
        }
        catch (IOException ex)
        {
            errors.Add(ex.Message);
        }
    }
}
