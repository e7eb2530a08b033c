using System.Security.Cryptography;
using System.Text;
using Keel.Agent;
using Keel.TargetSystem;

namespace Keel.Provisioning.Tests.SideBySide;

/// <summary>
/// One NoCloud seed applied to two identical copies (cp -a) of the cloud-init chroot: by the real cloud-init 22.4.2 inside
/// one (its four boot stages, in new UTS and network namespaces so the host's hostname and network are never touched) and
/// by keel-agent run --root --seed --execute on the other. Then both trees are described file by file and compared.
/// </summary>
internal sealed partial class SideBySideRun : IDisposable
{
    /// <summary>Where the seed lives in both roots (cloud-init's NoCloud seed directory).</summary>
    public const string SeedDir = "/var/lib/cloud/seed/nocloud";

    /// <summary>The parts of the roots that are compared: everything either agent may change for the compared modules.</summary>
    public static readonly IReadOnlyList<string> ComparedTrees = ["/etc", "/home", "/root", "/var/tmp", "/srv", "/opt"];

    public SideBySideRun(string chroot, string metaData, string userData)
    {
        Base = Directory.CreateTempSubdirectory("keel-sbs-").FullName;
        CloudInitRoot = Path.Combine(Base, "cloud-init");
        KeelRoot = Path.Combine(Base, "keel");
        foreach (var root in new[] { CloudInitRoot, KeelRoot })
        {
            Tool.Run("cp", "-a", chroot, root);
            Directory.CreateDirectory(root + SeedDir);
            File.WriteAllText(root + SeedDir + "/meta-data", metaData);
            File.WriteAllText(root + SeedDir + "/user-data", userData);
        }
    }

    public string Base { get; }

    public string CloudInitRoot { get; }

    public string KeelRoot { get; }

    /// <summary>Output of both agents, for failure messages.</summary>
    public StringBuilder Log { get; } = new();

    /// <summary>cloud-init's four stages as its systemd units run them; returns the stages that exited non-zero.</summary>
    public List<string> RunCloudInit()
    {
        var failed = new List<string>();
        foreach (var stage in new[] { new[] { "init", "--local" }, ["init"], ["modules", "--mode", "config"], ["modules", "--mode", "final"] })
        {
            var (exit, output) = Tool.TryRun("unshare", ["--uts", "--net", "chroot", CloudInitRoot, "env", "TMPDIR=/tmp", "cloud-init", .. stage]);
            Log.Append("cloud-init ").AppendJoin(' ', stage).Append(": exit ").Append(exit).Append('\n').Append(output);
            if (exit != 0)
            {
                failed.Add(string.Join(' ', stage));
            }
        }

        return failed;
    }

    /// <summary>keel-agent on the other copy, in process (the same code the NativeAOT binary runs); returns its exit code.</summary>
    public async Task<int> RunKeelAsync()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AgentCli.RunAsync(["run", "--root", KeelRoot, "--seed", KeelRoot + SeedDir, "--execute"], stdout, stderr);
        Log.Append("keel-agent: exit ").Append(code).Append('\n').Append(stdout).Append(stderr);
        return code;
    }

    /// <summary>Every path of <see cref="ComparedTrees"/> whose description differs between the roots (or exists in one only), with both descriptions.</summary>
    public List<Difference> Compare()
    {
        var ci = Describe(CloudInitRoot);
        var keel = Describe(KeelRoot);
        return ci.Keys.Union(keel.Keys).Order(StringComparer.Ordinal)
            .Where(p => ci.GetValueOrDefault(p) != keel.GetValueOrDefault(p))
            .Select(p => new Difference(p, ci.GetValueOrDefault(p), keel.GetValueOrDefault(p)))
            .ToList();
    }

    /// <summary>Type, mode, owner and content of every entry under the compared trees of <paramref name="root"/>; symlinks are described, never followed.</summary>
    public static Dictionary<string, string> Describe(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false };
        foreach (var tree in ComparedTrees)
        {
            var top = root + tree;
            if (!Directory.Exists(top))
            {
                continue;
            }

            foreach (var hostPath in Directory.EnumerateFileSystemEntries(top, "*", options))
            {
                result[hostPath[root.Length..]] = DescribeEntry(hostPath);
            }
        }

        return result;
    }

    private static string DescribeEntry(string hostPath)
    {
        var info = new FileInfo(hostPath);
        if (info.LinkTarget is { } target)
        {
            return "symlink -> " + target;
        }

        var stat = new UnixFileInfo(hostPath);
        var head = $"{Convert.ToString((int)stat.Mode, 8)} {stat.Uid}:{stat.Gid}";
        if (Directory.Exists(hostPath))
        {
            return "dir " + head;
        }

        // Host keys are random on every generation: only their presence, mode and owner can agree.
        if (Path.GetFileName(hostPath).StartsWith("ssh_host_", StringComparison.Ordinal))
        {
            return "file " + head + " (host key)";
        }

        var bytes = File.ReadAllBytes(hostPath);
        var text = bytes.Length <= 16384 && !bytes.Contains((byte)0) ? Normalize(hostPath, Encoding.UTF8.GetString(bytes)) : null;
        return $"file {head} " + (text ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    // The two normalisations the comparison makes, both documented: the agent's own name and time stamp in the header
    // lines each writes, and the order of authorized_keys lines (cloud-init writes them in Python set order, which varies
    // from run to run; keel-agent keeps the config's order).
    private static string Normalize(string hostPath, string text)
    {
        text = AgentHeader().Replace(text, "# $1 by AGENT");
        return Path.GetFileName(hostPath) == "authorized_keys" ? string.Join('\n', text.Split('\n').Order(StringComparer.Ordinal)) : text;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?m)^# (Added|Created) by (?:cloud-init v\. [0-9.]+|keel-agent)(?: on [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000)?$")]
    private static partial System.Text.RegularExpressions.Regex AgentHeader();

    public void Dispose()
    {
        // rm --one-file-system: nothing is mounted in the copies, and if something were, it is not deleted through.
        Tool.TryRun("rm", "-rf", "--one-file-system", Base);
    }
}

/// <summary>A path that the two agents left different: each side's description (null = absent).</summary>
internal sealed record Difference(string Path, string? CloudInit, string? Keel)
{
    public override string ToString()
    {
        if (CloudInit is null || Keel is null || !CloudInit.StartsWith("file ", StringComparison.Ordinal) || !Keel.StartsWith("file ", StringComparison.Ordinal))
        {
            return $"{Path}\n  cloud-init: {Short(CloudInit)}\n  keel-agent: {Short(Keel)}";
        }

        // Two files: their heads (mode, owner) and the lines only one of them has.
        var (ciHead, ciLines) = Split(CloudInit);
        var (keelHead, keelLines) = Split(Keel);
        var text = new System.Text.StringBuilder($"{Path}: cloud-init {ciHead} / keel-agent {keelHead}\n");
        foreach (var l in ciLines.Except(keelLines))
        {
            text.Append("  - ").Append(l).Append('\n');
        }

        foreach (var l in keelLines.Except(ciLines))
        {
            text.Append("  + ").Append(l).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string Short(string? d) => d is null ? "(absent)" : d.Length > 200 ? d[..200] + "..." : d;

    private static (string Head, string[] Lines) Split(string description)
    {
        var parts = description.Split(' ', 4);
        return ($"{parts[1]} {parts[2]}", parts.Length > 3 ? parts[3].Split('\n') : []);
    }
}
