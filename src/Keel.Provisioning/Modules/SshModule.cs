using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;
using Keel.TargetSystem.Accounts;
using Keel.TargetSystem.Ssh;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's ssh module: deletes old host keys (ssh_deletekeys), generates ssh_genkeytypes with the real ssh-keygen,
/// sets PasswordAuthentication from ssh_pwauth in an sshd_config.d drop-in, and gives root the instance's keys behind
/// disable_root_opts when disable_root is set.
/// </summary>
public sealed class SshModule() : CloudConfigModule("ssh", Frequency.PerInstance, Stage.Init)
{
    /// <summary>The drop-in ssh_pwauth writes.</summary>
    public const string PwauthDropIn = "/etc/ssh/sshd_config.d/50-cloud-init.conf";

    /// <summary>cloud-init's default disable_root_opts.</summary>
    public const string DefaultDisableRootOpts =
        "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo 'Please login as the user \\\"$USER\\\" rather than the user \\\"$DISABLE_USER\\\".';echo;sleep 10;exit 142\"";

    /// <summary>Key types generated when ssh_genkeytypes is absent.</summary>
    public static IReadOnlyList<string> DefaultKeyTypes => SshHostKeys.DefaultTypes;

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config.GetBool("ssh_deletekeys", true))
        {
            // cloud-init deletes ssh_host_*key* (private, public and certificates).
            SshHostKeys.DeleteAll(context.Root);
        }

        var certificates = new List<string>();
        if (ConfigValues.Map(context.Config, "ssh_keys", "ssh") is { } supplied)
        {
            // As in cloud-init, host keys given in the config replace generation altogether.
            certificates = WriteSuppliedKeys(context, supplied);
        }
        else
        {
            foreach (var type in KeyTypes(context))
            {
                GenerateHostKey(context, type);
            }
        }

        ApplySshdSettings(context, certificates);
        ApplyRootKeys(context);
        return ModuleOutcome.Done;
    }

    /// <summary>The host key file for a key type, inside the root.</summary>
    public static string HostKeyPath(string type) => SshHostKeys.PrivateKeyPath(type);

    private static IReadOnlyList<string> KeyTypes(ModuleContext context)
    {
        if (ConfigValues.List(context.Config, "ssh_genkeytypes", "ssh") is not { } list)
        {
            return DefaultKeyTypes;
        }

        var types = new List<string>();
        foreach (var item in list.Items)
        {
            var type = (item as CloudScalar)?.Text;
            if (type is null || !SshHostKeys.KnownTypes.Contains(type))
            {
                // cloud-init logs and skips a type ssh-keygen does not know; the other types are still generated.
                context.Warnings.Add(new(Severity.Warning, $"ssh_genkeytypes (line {item.Line})", $"unknown key type '{type}' skipped"));
                continue;
            }

            types.Add(type);
        }

        return types;
    }

    private static void GenerateHostKey(ModuleContext context, string type)
    {
        var target = HostKeyPath(type);
        if (context.Root.Exists(target))
        {
            return;
        }

        SshHostKeys.Generate(context.Root, type, context.Cancellation);
        context.Log.WriteLine($"ssh: generated {target}");
    }

    private static List<string> WriteSuppliedKeys(ModuleContext context, CloudMap supplied)
    {
        var certificates = new List<string>();
        foreach (var (key, value) in supplied.Entries)
        {
            var cut = key.IndexOf('_', StringComparison.Ordinal);
            var type = cut > 0 ? key[..cut] : key;
            var kind = cut > 0 ? key[(cut + 1)..] : "";
            if (!SshHostKeys.KnownTypes.Contains(type) || kind is not ("private" or "public" or "certificate"))
            {
                context.Warnings.Add(new(Severity.Warning, $"ssh_keys.{key} (line {supplied.KeyLine(key)})", "unrecognized key name; ignored"));
                continue;
            }

            var text = ConfigValues.Text(supplied, key, "ssh_keys") ?? "";
            var path = kind switch { "private" => HostKeyPath(type), "public" => HostKeyPath(type) + ".pub", _ => HostKeyPath(type) + "-cert.pub" };
            SshHostKeys.WriteSupplied(context.Root, path, text, isPrivate: kind == "private");
            if (kind == "certificate")
            {
                certificates.Add(path);
            }
        }

        foreach (var type in SshHostKeys.KnownTypes)
        {
            if (supplied.ContainsKey(type + "_private") && !supplied.ContainsKey(type + "_public"))
            {
                // cloud-init derives the missing public half with ssh-keygen -y and the comment root@localhost.
                var pub = SshHostKeys.DerivePublic(context.Root, type, context.Cancellation);
                SshHostKeys.WriteSupplied(context.Root, HostKeyPath(type) + ".pub", pub + " root@localhost", isPrivate: false);
            }
        }

        return certificates;
    }

    private static void ApplySshdSettings(ModuleContext context, List<string> certificates)
    {
        var node = context.Config["ssh_pwauth"];
        bool? enable = null;
        switch (node)
        {
            case null or CloudScalar { IsNull: true }:
                break;
            case CloudScalar { Kind: ScalarKind.Boolean } b:
                enable = b.Text == "true";
                break;
            case CloudScalar s when s.Text == "unchanged":
                break;
            case CloudScalar s when CloudScalar.TryParseLooseBool(s.Text, out var v):
                enable = v;
                break;
            default:
                context.Warnings.Add(new(Severity.Warning, $"ssh_pwauth (line {node.Line})", $"'{node}' is not true, false or unchanged; sshd left as it is"));
                break;
        }

        if (enable is null && certificates.Count == 0)
        {
            return;
        }

        var lines = (context.Root.ReadAllTextOrNull(PwauthDropIn) ?? "").Split('\n').Where(l => l.Length > 0).ToList();
        if (enable is { } on)
        {
            lines.RemoveAll(l => l.TrimStart().StartsWith("PasswordAuthentication", StringComparison.OrdinalIgnoreCase));
            lines.Add("PasswordAuthentication " + (on ? "yes" : "no"));
        }

        foreach (var cert in certificates)
        {
            var line = "HostCertificate " + cert;
            if (!lines.Contains(line, StringComparer.Ordinal))
            {
                lines.Add(line);
            }
        }

        context.Root.CreateDirectory("/etc/ssh/sshd_config.d");
        context.Root.WriteText(PwauthDropIn, string.Join('\n', lines) + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string? DefaultUserName(ModuleContext context)
    {
        try
        {
            return UserSpecs.Users(context.Config).FirstOrDefault(u => u.GetString("_default") == "true")?.GetString("name");
        }
        catch (InvalidDataException)
        {
            // A malformed 'users' is users_groups' error to report; root's keys still get the restriction.
            return null;
        }
    }

    private static void ApplyRootKeys(ModuleContext context)
    {
        var keys = new List<string>();
        if (context.Config.GetBool("allow_public_ssh_keys", true))
        {
            keys.AddRange(context.Instance.PublicKeys);
        }

        keys.AddRange(context.Config["ssh_authorized_keys"] switch
        {
            CloudScalar { Kind: ScalarKind.String } s => [s.Text],
            CloudList l => l.Items.OfType<CloudScalar>().Where(k => !k.IsNull).Select(k => k.Text),
            _ => [],
        });
        // As cloud-init's apply_credentials: root's authorized_keys is set up (possibly empty) whether or not there are keys.
        var root = context.LoadAccounts().FindUser("root");
        if (root is null)
        {
            // Nothing to write for a root without a root account, unless there are keys to give it.
            if (keys.Count == 0)
            {
                return;
            }

            throw new InvalidDataException("ssh: no root user in /etc/passwd of the target root");
        }

        string? options = null;
        if (context.Config.GetBool("disable_root", true))
        {
            var defaultUser = DefaultUserName(context) ?? "NONE";
            var template = ConfigValues.Text(context.Config, "disable_root_opts", "ssh") ?? DefaultDisableRootOpts;
            options = template.Replace("$USER", defaultUser, StringComparison.Ordinal).Replace("$DISABLE_USER", "root", StringComparison.Ordinal);
        }

        AuthorizedKeysFile.Add(context.Root, root, keys, options);
    }
}
