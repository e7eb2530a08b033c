using System.Diagnostics;
using Keel.Errors;
using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's ssh module: deletes old host keys (ssh_deletekeys), generates ssh_genkeytypes with the real ssh-keygen,
/// sets PasswordAuthentication from ssh_pwauth in an sshd_config.d drop-in, and gives root the instance's keys behind
/// disable_root_opts when disable_root is set.
/// </summary>
public sealed class SshModule : IModule
{
    /// <summary>The drop-in ssh_pwauth writes.</summary>
    public const string PwauthDropIn = "/etc/ssh/sshd_config.d/50-cloud-init.conf";

    /// <summary>cloud-init's default disable_root_opts.</summary>
    public const string DefaultDisableRootOpts =
        "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,command=\"echo 'Please login as the user \\\"$USER\\\" rather than the user \\\"$DISABLE_USER\\\".';echo;sleep 10;exit 142\"";

    /// <summary>Key types generated when ssh_genkeytypes is absent.</summary>
    public static readonly IReadOnlyList<string> DefaultKeyTypes = ["rsa", "ecdsa", "ed25519"];

    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal) { "rsa", "dsa", "ecdsa", "ed25519" };

    /// <inheritdoc />
    public string Name => "ssh";

    /// <inheritdoc />
    public Frequency Frequency => Frequency.PerInstance;

    /// <inheritdoc />
    public Stage Stage => Stage.Init;

    /// <inheritdoc />
    public ModuleOutcome Run(ModuleContext context)
    {
        if (context.Config.GetBool("ssh_deletekeys", true))
        {
            DeleteHostKeys(context);
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
    public static string HostKeyPath(string type) => $"/etc/ssh/ssh_host_{type}_key";

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
            if (type is null || !KnownTypes.Contains(type))
            {
                // cloud-init logs and skips a type ssh-keygen does not know; the other types are still generated.
                context.Warnings.Add(new(Severity.Warning, $"ssh_genkeytypes (line {item.Line})", $"unknown key type '{type}' skipped"));
                continue;
            }

            types.Add(type);
        }

        return types;
    }

    private static void DeleteHostKeys(ModuleContext context)
    {
        var dir = context.Root.Resolve("/etc/ssh");
        if (!Directory.Exists(dir))
        {
            return;
        }

        // cloud-init deletes ssh_host_*key* (private, public and certificates).
        foreach (var file in Directory.EnumerateFileSystemEntries(dir, "ssh_host_*key*"))
        {
            context.Root.DeleteFile("/etc/ssh/" + Path.GetFileName(file));
        }
    }

    private static void GenerateHostKey(ModuleContext context, string type)
    {
        var target = HostKeyPath(type);
        if (context.Root.Exists(target))
        {
            return;
        }

        // Generated in a private directory and copied in with the root's temp+rename writes, so a symlink planted at the
        // key path is replaced rather than followed and no half-written key is ever visible.
        var work = Directory.CreateTempSubdirectory("keel-sshkey-");
        try
        {
            var file = Path.Combine(work.FullName, "key");
            var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-q", "-N", "", "-t", type, "-C", "", "-f", file })
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi) ?? throw new IOException($"ssh-keygen -t {type}: could not start");
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new IOException($"ssh-keygen -t {type} for {target}: exit status {p.ExitCode}: {stderr.GetAwaiter().GetResult().Trim()}");
            }

            context.Root.CreateDirectory("/etc/ssh");
            context.Root.WriteFile(target + ".pub", File.ReadAllBytes(file + ".pub"), (UnixFileMode)0x1a4);
            context.Root.WriteFile(target, File.ReadAllBytes(file), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            context.Log.WriteLine($"ssh: generated {target}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static List<string> WriteSuppliedKeys(ModuleContext context, CloudMap supplied)
    {
        var certificates = new List<string>();
        foreach (var (key, value) in supplied.Entries)
        {
            var cut = key.IndexOf('_', StringComparison.Ordinal);
            var type = cut > 0 ? key[..cut] : key;
            var kind = cut > 0 ? key[(cut + 1)..] : "";
            if (!KnownTypes.Contains(type) || kind is not ("private" or "public" or "certificate"))
            {
                context.Warnings.Add(new(Severity.Warning, $"ssh_keys.{key} (line {supplied.KeyLine(key)})", "unrecognized key name; ignored"));
                continue;
            }

            var text = ConfigValues.Text(supplied, key, "ssh_keys") ?? "";
            var path = kind switch { "private" => HostKeyPath(type), "public" => HostKeyPath(type) + ".pub", _ => HostKeyPath(type) + "-cert.pub" };
            context.Root.CreateDirectory("/etc/ssh");
            context.Root.WriteText(path, text.EndsWith('\n') ? text : text + "\n", kind == "private" ? UnixFileMode.UserRead | UnixFileMode.UserWrite : (UnixFileMode)0x1a4);
            if (kind == "certificate")
            {
                certificates.Add(path);
            }
        }

        foreach (var type in KnownTypes.Order(StringComparer.Ordinal))
        {
            if (supplied.ContainsKey(type + "_private") && !supplied.ContainsKey(type + "_public"))
            {
                // cloud-init derives the missing public half with ssh-keygen -y and the comment root@localhost.
                var pub = DerivePublic(context, type);
                context.Root.WriteText(HostKeyPath(type) + ".pub", pub + " root@localhost\n", (UnixFileMode)0x1a4);
            }
        }

        return certificates;
    }

    private static string DerivePublic(ModuleContext context, string type)
    {
        var work = Directory.CreateTempSubdirectory("keel-sshkey-");
        try
        {
            var copy = Path.Combine(work.FullName, "key");
            File.WriteAllBytes(copy, context.Root.ReadAllBytesOrNull(HostKeyPath(type)) ?? []);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var psi = new ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-y");
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add(copy);
            using var p = Process.Start(psi) ?? throw new IOException("ssh-keygen -y: could not start");
            var stderr = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && output.Length > 0
                ? output
                : throw new InvalidDataException($"ssh_keys.{type}_private: ssh-keygen cannot read it: {stderr.GetAwaiter().GetResult().Trim()}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
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

        AuthorizedKeys.Add(context, root, keys, options);
    }
}
