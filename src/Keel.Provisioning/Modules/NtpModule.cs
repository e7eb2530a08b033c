using System.Text;
using Keel.Processes;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's ntp (config stage, per instance) with chrony, the RPM distributions' client: the existing configuration is
/// kept as <c>.dist</c>, a new one is written from cloud-init's chrony.conf.rhel template (pools, then servers, each with
/// iburst; without either, the distribution's pool), chrony is installed through dnf when <c>chronyd</c> is missing, and
/// the service is enabled (systemctl --root for a target root) and, on the machine itself, reloaded or restarted.
/// </summary>
public sealed class NtpModule() : CloudConfigModule("ntp", Frequency.PerInstance, Stage.Config)
{
    // cloud-init 22.4.2's templates/chrony.conf.rhel.tmpl after its pool and server lines, as Jinja renders it.
    private const string RhelTail = """

        # Record the rate at which the system clock gains/losses time.
        driftfile /var/lib/chrony/drift

        # Allow the system clock to be stepped in the first three updates
        # if its offset is larger than 1 second.
        makestep 1.0 3

        # Enable kernel synchronization of the real-time clock (RTC).
        rtcsync

        # Enable hardware timestamping on all interfaces that support it.
        #hwtimestamp *

        # Increase the minimum number of selectable sources required to adjust
        # the system clock.
        #minsources 2

        # Allow NTP client access from local network.
        #allow 192.168.0.0/16

        # Serve time even if not synchronized to a time source.
        #local stratum 10

        # Specify file containing keys for NTP authentication.
        #keyfile /etc/chrony.keys

        # Specify directory for log files.
        logdir /var/log/chrony

        # Select which information is logged.
        #log measurements statistics tracking

        """;

    private static readonly string[] BinDirs = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var value = context.Config["ntp"];
        if (value is null)
        {
            return ModuleOutcome.NothingToDo;
        }

        var ntp = value switch
        {
            CloudScalar { IsNull: true } => CloudMap.Empty,
            CloudMap m => m,
            _ => throw ConfigValues.WrongType(Name, "ntp", value, "a mapping"),
        };
        if (!ntp.GetBool("enabled", true))
        {
            return ModuleOutcome.NothingToDo;
        }

        var client = ConfigValues.Text(ntp, "ntp_client", Name) ?? "auto";
        if (client is not ("auto" or "chrony"))
        {
            throw new InvalidDataException($"ntp.ntp_client '{client}': keel-agent configures chrony (the RPM distributions' client) only");
        }

        var distro = (context.Config["system_info"] as CloudMap)?["distro"] is CloudScalar d ? d.Text : "keel";
        var debian = distro is "debian" or "ubuntu";
        var overrides = ConfigValues.Map(ntp, "config", Name) ?? CloudMap.Empty;
        if (overrides["template"] is not null)
        {
            throw new InvalidDataException("ntp.config.template: Jinja templates are not supported by keel-agent; give servers and pools");
        }

        var confPath = ConfigPathCheck.Absolute(ConfigValues.Text(overrides, "confpath", Name) ?? (debian ? "/etc/chrony/chrony.conf" : "/etc/chrony.conf"), "ntp.config.confpath");
        var service = ConfigValues.Text(overrides, "service_name", Name) ?? (debian ? "chrony" : "chronyd");
        var checkExe = ConfigValues.Text(overrides, "check_exe", Name) ?? "chronyd";
        var packages = ConfigValues.List(overrides, "packages", Name)?.Items.Select(i => (i as CloudScalar)?.Text ?? throw new InvalidDataException($"ntp.config.packages (line {i.Line}): names must be strings")).ToList()
            ?? ["chrony"];

        var servers = Names(ntp, "servers");
        var pools = Names(ntp, "pools");
        if (servers.Count == 0 && pools.Count == 0)
        {
            // cloud-init's generate_server_names; Keel's own distribution has no vendor zone at pool.ntp.org, so it gets the
            // global one (as cloud-init does for alpine and eurolinux).
            var zone = distro is "keel" or "alpine" or "eurolinux" ? "" : distro == "sles" ? "opensuse." : distro + ".";
            pools = Enumerable.Range(0, 4).Select(i => $"{i}.{zone}pool.ntp.org").ToList();
        }

        // cloud-init keeps what was there as CONF.dist (replacing an older .dist).
        var existing = context.Root.ReadAllBytesOrNull(confPath);
        if (existing is not null)
        {
            context.Root.WriteFile(confPath + ".dist", existing, (UnixFileMode)0x1a4);
        }

        context.Root.WriteText(confPath, Render(servers, pools), (UnixFileMode)0x1a4);
        context.Log.WriteLine($"ntp: {confPath}: {pools.Count} pool(s), {servers.Count} server(s)");

        if (!BinDirs.Any(dir => context.Root.Exists(dir + "/" + checkExe)) && !(checkExe.StartsWith('/') && context.Root.Exists(checkExe)))
        {
            if (!context.CanExecute)
            {
                context.Log.WriteLine($"ntp: {checkExe} is not installed; {string.Join(' ', packages)} installed on the first boot of this root (use --execute to install now)");
                return ModuleOutcome.Deferred;
            }

            PackageManager.Find(context).Run(["install", .. packages]);
        }

        Systemctl(context, ["enable", service]);
        if (context.Root.IsHostRoot)
        {
            Systemctl(context, ["reload-or-restart", service]);
        }

        return ModuleOutcome.Done;
    }

    /// <summary>The chrony configuration cloud-init 22.4.2 renders from chrony.conf.rhel.tmpl.</summary>
    public static string Render(IReadOnlyList<string> servers, IReadOnlyList<string> pools)
    {
        var sb = new StringBuilder("# Use public servers from the pool.ntp.org project.\n# Please consider joining the pool (http://www.pool.ntp.org/join.html).\n");
        if (pools.Count > 0)
        {
            sb.Append("# pools\n");
            foreach (var p in pools)
            {
                sb.Append("pool ").Append(p).Append(" iburst\n");
            }
        }

        if (servers.Count > 0)
        {
            sb.Append("# servers\n");
            foreach (var s in servers)
            {
                sb.Append("server ").Append(s).Append(" iburst\n");
            }
        }

        return sb.Append(RhelTail).ToString();
    }

    private static List<string> Names(CloudMap ntp, string key) =>
        ConfigValues.List(ntp, key, "ntp")?.Items.Select(i => i is CloudScalar s && !s.IsNull && s.Text.Length > 0 && !s.Text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? s.Text
            : throw new InvalidDataException($"ntp.{key} (line {i.Line}): each entry must be a host name or address")).ToList() ?? [];

    private static void Systemctl(ModuleContext context, IReadOnlyList<string> arguments)
    {
        var systemctl = ToolLookup.Find("systemctl") ?? throw new IOException("systemctl is not installed; the ntp service cannot be enabled");
        // A target root's unit links are made offline (systemctl --root), the way image builders enable services.
        List<string> all = context.Root.IsHostRoot ? [.. arguments] : ["--root", context.Root.RootPath, .. arguments];
        ModuleCommand.Run(context, "systemctl " + string.Join(' ', all), systemctl, all);
    }
}
