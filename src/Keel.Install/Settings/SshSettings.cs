using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Install.Processes;
using Keel.TargetSystem;

namespace Keel.Install.Settings;

/// <summary>sshd settings as a drop-in, and the machine's SSH host keys: made now, or removed so the first boot makes them.</summary>
public static class SshSettings
{
    /// <summary>Where the drop-in goes; sshd reads sshd_config.d before its own settings, so these win.</summary>
    public const string DropIn = "/etc/ssh/sshd_config.d/50-keel.conf";

    /// <summary>Applies the settings; returns what was done, for the progress line.</summary>
    public static async Task<string> ApplyAsync(TargetRoot root, MachineConfig config, HostKeyGeneration hostKeys, CancellationToken cancellationToken)
    {
        if (!root.Exists("/usr/sbin/sshd"))
        {
            return "openssh-server is not installed: nothing to configure";
        }

        var text = $"# Written by keel from the config's ssh section.\nPermitRootLogin {ConfigNames.EnumValue(config.Ssh.PermitRootLogin)}\nPasswordAuthentication {(config.Ssh.PasswordAuthentication ? "yes" : "no")}\n";
        root.WriteText(DropIn, text, (UnixFileMode)0x180); // 0600, as sshd_config itself

        var etcSsh = root.Resolve("/etc/ssh");
        foreach (var old in Directory.EnumerateFiles(etcSsh, "ssh_host_*"))
        {
            File.Delete(old);
        }

        if (hostKeys == HostKeyGeneration.FirstBoot)
        {
            return "host keys are made on first boot, so every machine from this image has its own";
        }

        // ssh-keygen -A -f PREFIX writes PREFIX/etc/ssh/ssh_host_*_key for every type sshd uses by default.
        await StepTool.RunAsync("system.ssh", "ssh-keygen", ["-A", "-f", root.RootPath], cancellationToken, debianPackage: "openssh-client").ConfigureAwait(false);
        return "host keys made: " + string.Join(", ", Directory.EnumerateFiles(etcSsh, "ssh_host_*_key").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
