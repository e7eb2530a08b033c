using Keel.Processes;

namespace Keel.TargetSystem.Ssh;

/// <summary>
/// The machine's SSH host keys in a target root. Keys are made by the real ssh-keygen in a private directory outside the
/// root and written in through <see cref="NoFollow"/> (root:root, 0600 private, 0644 public), and old keys are removed the
/// same way, so a symlink planted in the target's /etc/ssh is never followed, written through or deleted through.
/// </summary>
public static class SshHostKeys
{
    /// <summary>Where sshd looks for its host keys.</summary>
    public const string Directory = "/etc/ssh";

    /// <summary>The key types sshd uses when nothing else is asked for (what ssh-keygen -A makes).</summary>
    public static readonly IReadOnlyList<string> DefaultTypes = ["rsa", "ecdsa", "ed25519"];

    /// <summary>Every type a host key may have.</summary>
    public static readonly IReadOnlyList<string> KnownTypes = ["dsa", "ecdsa", "ed25519", "rsa"];

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicMode = (UnixFileMode)0x1a4; // 0644
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ed; // 0755

    /// <summary>The private key's path inside the root for a key type.</summary>
    public static string PrivateKeyPath(string type) => $"{Directory}/ssh_host_{CheckType(type)}_key";

    /// <summary>Deletes every ssh_host_*key* (private, public, certificates; files or links, never a link's target); returns the names deleted.</summary>
    public static IReadOnlyList<string> DeleteAll(TargetRoot root)
    {
        var deleted = new List<string>();
        foreach (var name in NoFollow.ListNames(root, Directory))
        {
            if (name.StartsWith("ssh_host_", StringComparison.Ordinal) && name.Contains("key", StringComparison.Ordinal)
                && NoFollow.DeleteFile(root, $"{Directory}/{name}"))
            {
                deleted.Add(name);
            }
        }

        return deleted;
    }

    /// <summary>The private key files present (names, sorted).</summary>
    public static IReadOnlyList<string> PrivateKeys(TargetRoot root) =>
        NoFollow.ListNames(root, Directory).Where(n => n.StartsWith("ssh_host_", StringComparison.Ordinal) && n.EndsWith("_key", StringComparison.Ordinal)).ToList();

    /// <summary>Makes a new key pair of <paramref name="type"/> with ssh-keygen (no passphrase, no comment) and writes it into the root.</summary>
    public static async Task GenerateAsync(TargetRoot root, string type, CancellationToken cancellationToken)
    {
        var target = PrivateKeyPath(type);
        var work = System.IO.Directory.CreateTempSubdirectory("keel-sshkey-");
        try
        {
            var file = Path.Combine(work.FullName, "key");
            await RunKeygenAsync(target, ["-q", "-N", "", "-t", type, "-C", "", "-f", file], cancellationToken).ConfigureAwait(false);
            NoFollow.OpenDirectory(root, Directory, DirectoryMode, 0, 0).Dispose();
            NoFollow.WriteFile(root, target + ".pub", await File.ReadAllBytesAsync(file + ".pub", cancellationToken).ConfigureAwait(false), PublicMode, 0, 0);
            NoFollow.WriteFile(root, target, await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), PrivateMode, 0, 0);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The synchronous form of <see cref="GenerateAsync"/>, for the agent's (synchronous) modules.</summary>
    public static void Generate(TargetRoot root, string type, CancellationToken cancellationToken = default) =>
        GenerateAsync(root, type, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Writes a key file given in configuration (private 0600, public or certificate 0644) without following a symlink at its name.</summary>
    public static void WriteSupplied(TargetRoot root, string pathInRoot, string text, bool isPrivate)
    {
        NoFollow.OpenDirectory(root, Directory, DirectoryMode, 0, 0).Dispose();
        NoFollow.WriteText(root, pathInRoot, text.EndsWith('\n') ? text : text + "\n", isPrivate ? PrivateMode : PublicMode, 0, 0);
    }

    /// <summary>The public half of the private key of <paramref name="type"/> in the root, as ssh-keygen -y prints it.</summary>
    public static string DerivePublic(TargetRoot root, string type, CancellationToken cancellationToken = default)
    {
        var source = PrivateKeyPath(type);
        var work = System.IO.Directory.CreateTempSubdirectory("keel-sshkey-");
        try
        {
            // A private copy outside the root: ssh-keygen is never pointed at a path in the target.
            var copy = Path.Combine(work.FullName, "key");
            using (var stream = new FileStream(copy, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateMode }))
            {
                stream.Write(NoFollow.ReadAllBytesOrNull(root, source) ?? []);
            }

            var result = ToolRunner.Run(new ToolOptions { AllowFailure = true, DebianPackage = "openssh-client" }, "ssh-keygen", ["-y", "-f", copy], cancellationToken);
            var output = result.Output.Trim();
            return result.ExitCode == 0 && output.Length > 0
                ? output
                : throw new InvalidDataException($"{source}: ssh-keygen cannot read it: {result.Error.Trim().ReplaceLineEndings(" ")}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task RunKeygenAsync(string target, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            await ToolRunner.RunAsync(new ToolOptions { DebianPackage = "openssh-client" }, "ssh-keygen", arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new IOException($"{target}: {ex.Message}", ex);
        }
    }

    private static string CheckType(string type) =>
        KnownTypes.Contains(type, StringComparer.Ordinal) ? type : throw new InvalidDataException($"SSH host key type '{type}' is not one of {string.Join(", ", KnownTypes)}");
}
