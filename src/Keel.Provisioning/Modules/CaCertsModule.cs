using Keel.Provisioning.Config;
using Keel.Provisioning.Engine;

namespace Keel.Provisioning.Modules;

/// <summary>
/// cloud-init's ca_certs (init stage, per instance): <c>ca_certs.trusted</c> PEM certificates joined into one file in the
/// distribution's trust anchors, <c>remove_defaults</c> empties the distribution's default trust first, then the
/// distribution's update tool rebuilds the bundles. The layout follows <c>system_info.distro</c>: debian and ubuntu get
/// cloud-init's Debian layout (so the side-by-side test compares like with like), every other distribution — keel, and
/// the RPM family — the RPM one: <c>/etc/pki/ca-trust/source/anchors</c> and <c>update-ca-trust</c>.
/// </summary>
public sealed class CaCertsModule() : CloudConfigModule("ca_certs", Frequency.PerInstance, Stage.Init)
{
    /// <summary>The file keel-agent (and cloud-init) writes the trusted certificates to.</summary>
    public const string FileName = "cloud-init-ca-certs.crt";

    /// <summary>Where one distribution family keeps trust: the anchors file, what remove_defaults empties, the update command.</summary>
    /// <param name="AnchorFile">The file the trusted certificates are written to.</param>
    /// <param name="Config">A list of enabled certificates to add the file's name to (Debian's), or null.</param>
    /// <param name="DefaultDirs">Directories whose contents remove_defaults deletes.</param>
    /// <param name="UpdateCommand">The tool that rebuilds the bundles, run in the root.</param>
    public sealed record Layout(string AnchorFile, string? Config, IReadOnlyList<string> DefaultDirs, string UpdateCommand);

    /// <summary>RPM distributions (Fedora, RHEL, Azure Linux): p11-kit's ca-trust. The administrator's anchors directory is
    /// used (cloud-init 22.4.2 writes under /usr/share/pki/ca-trust-source/anchors, the packages' directory; newer
    /// cloud-init and the RHEL documentation use /etc). remove_defaults empties the packaged source and the local source.</summary>
    public static readonly Layout Rpm = new("/etc/pki/ca-trust/source/anchors/" + FileName, null,
        ["/usr/share/pki/ca-trust-source", "/etc/pki/ca-trust/source"], "update-ca-trust");

    /// <summary>Debian and Ubuntu, as cloud-init 22.4.2's DEFAULT_CONFIG.</summary>
    public static readonly Layout Debian = new("/usr/share/ca-certificates/" + FileName, "/etc/ca-certificates.conf",
        ["/usr/share/ca-certificates", "/etc/ssl/certs"], "update-ca-certificates");

    /// <inheritdoc />
    public override ModuleOutcome Run(ModuleContext context)
    {
        var key = context.Config["ca_certs"] is not null ? "ca_certs" : context.Config["ca-certs"] is not null ? "ca-certs" : null;
        if (key is null)
        {
            return ModuleOutcome.NothingToDo;
        }

        if (key == "ca-certs")
        {
            context.Warnings.Add(new(Keel.Errors.Severity.Warning, "ca-certs", "deprecated key: use ca_certs"));
        }

        var config = ConfigValues.Map(context.Config, key, Name) ?? CloudMap.Empty;
        var distro = (context.Config["system_info"] as CloudMap)?["distro"] is CloudScalar d ? d.Text : "keel";
        var layout = distro is "debian" or "ubuntu" ? Debian : Rpm;

        var removeKey = config["remove-defaults"] is not null ? "remove-defaults" : "remove_defaults";
        if (config.GetBool(removeKey, false))
        {
            RemoveDefaults(context, layout);
        }

        var trusted = config["trusted"] switch
        {
            null or CloudScalar { IsNull: true } => [],
            CloudScalar s => [s.Text],
            CloudList l => l.Items.Select(i => (i as CloudScalar)?.Text ?? throw new InvalidDataException($"{key}.trusted (line {i.Line}): certificates must be PEM strings")).ToList(),
            var other => throw ConfigValues.WrongType(Name, "trusted", other, "a list of PEM strings"),
        };
        foreach (var (cert, i) in trusted.Select((c, i) => (c, i)))
        {
            if (!cert.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{key}.trusted.{i}: not a PEM certificate (no BEGIN CERTIFICATE line)");
            }
        }

        if (trusted.Count > 0)
        {
            // cloud-init joins the certificates with "\n" and writes them as they are, mode 0644.
            context.Root.WriteText(layout.AnchorFile, string.Join('\n', trusted), (UnixFileMode)0x1a4);
            if (layout.Config is { } list)
            {
                AddToConfig(context, list);
            }

            context.Log.WriteLine($"ca_certs: {trusted.Count} certificate(s) in {layout.AnchorFile}");
        }

        if (!context.CanExecute)
        {
            // The anchors are in place; the bundles are rebuilt by the root's own tool on its first boot (the module runs again).
            context.Log.WriteLine($"ca_certs: {layout.UpdateCommand} left for the first boot of this root (use --execute)");
            return ModuleOutcome.Deferred;
        }

        RootCommand.Run(context, [layout.UpdateCommand]);
        return ModuleOutcome.Done;
    }

    private static void RemoveDefaults(ModuleContext context, Layout layout)
    {
        foreach (var dir in layout.DefaultDirs)
        {
            var host = context.Root.Resolve(dir);
            if (!Directory.Exists(host))
            {
                continue;
            }

            // cloud-init's delete_dir_contents: everything inside goes, the directory stays; links are removed, never followed.
            foreach (var entry in new DirectoryInfo(host).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub && sub.LinkTarget is null)
                {
                    sub.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        if (layout.Config is { } list)
        {
            context.Root.WriteText(list, "", (UnixFileMode)0x1a4);
        }

        context.Log.WriteLine($"ca_certs: default certificates removed ({string.Join(", ", layout.DefaultDirs)})");
    }

    private static void AddToConfig(ModuleContext context, string list)
    {
        // As cloud-init's update_cert_config: an empty list becomes just our name; otherwise our name moves to the end and
        // trailing blank lines go (a blank line makes update-ca-certificates ignore the lines after it).
        var original = context.Root.ReadAllTextOrNull(list) ?? "";
        var text = original.Length == 0
            ? FileName + "\n"
            : string.Join('\n', original.Split('\n').Where(l => l != FileName)).TrimEnd() + "\n" + FileName + "\n";
        context.Root.WriteText(list, text, (UnixFileMode)0x1a4);
    }
}
