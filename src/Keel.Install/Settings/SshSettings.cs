using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.TargetSystem;
using Keel.TargetSystem.Ssh;

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

        SshHostKeys.DeleteAll(root);
        if (hostKeys == HostKeyGeneration.FirstBoot)
        {
            return "host keys are made on first boot, so every machine from this image has its own";
        }

        // What ssh-keygen -A would make, but generated outside the root and written in without following any symlink.
        foreach (var type in SshHostKeys.DefaultTypes)
        {
            try
            {
                await SshHostKeys.GenerateAsync(root, type, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new IOException($"system.ssh: {ex.Message}", ex);
            }
        }

        return "host keys made: " + string.Join(", ", SshHostKeys.PrivateKeys(root));
    }
}
