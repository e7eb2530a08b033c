using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Keel.Config.Loading;
using Keel.ImageManifest;
using Keel.Rpm;
using Keel.RpmDb;
using Keel.TargetSystem;
using YamlDotNet.RepresentationModel;

namespace Keel.Install.Steps;

/// <summary>
/// image.manifest: right after the package transaction, /usr/lib/keel/image.json records what the machine was made
/// from (config digest, distribution, preset, every package NEVRA with its header SHA-256 from the target's rpmdb, the
/// repositories with the repomd revision and digest, build time, seed, the config without secrets), signed into
/// image.json.asc when a signing key is given. The bytes are deterministic, so reproducible images stay bit-identical.
/// </summary>
public sealed class ImageManifestStep() : InstallStep("image.manifest", "Write the image manifest")
{
    /// <summary>Mapping keys whose values are secrets in a keel/v1 config; replaced in the manifest's copy of the config.</summary>
    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase) { "passwordHash", "passphrase", "password" };

    public const string Redacted = "<redacted>";

    public override IEnumerable<string> Details(PlanningContext plan) =>
    [
        $"/{ImageManifestPaths.ManifestRelative}: config digest, distribution, preset, every package with its header SHA-256, repositories and their repomd revision",
        "signed into /" + ImageManifestPaths.SignatureRelative + " when a signing key is given",
    ];

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var document = Build(run);
        var bytes = ImageManifestJson.Serialize(document);
        var root = run.Root;
        foreach (var dir in (string[])["/usr", "/usr/lib", "/usr/lib/keel"])
        {
            if (NoFollow.Stat(root, dir) is null)
            {
                NoFollow.EnsureDirectory(root, dir, (UnixFileMode)0x1ED, 0, 0); // 0755
            }
        }

        // The signature is made before either file is written, so a failed signing leaves neither.
        var signature = run.Options.ManifestSigner is { } signer ? await signer.SignBytesAsync(bytes, cancellationToken).ConfigureAwait(false) : null;
        NoFollow.WriteFile(root, "/" + ImageManifestPaths.ManifestRelative, bytes, (UnixFileMode)0x1A4, 0, 0); // 0644
        if (signature is not null)
        {
            NoFollow.WriteFile(root, "/" + ImageManifestPaths.SignatureRelative, signature, (UnixFileMode)0x1A4, 0, 0);
        }

        run.Report($"wrote /{ImageManifestPaths.ManifestRelative}: {document.Packages.Count} packages from {document.Repositories.Count} repositories"
            + (signature is null ? ", unsigned" : $", signed by {run.Options.ManifestSigner!.Key.KeyId}"));
    }

    /// <summary>The manifest of the run's staging root as it stands after the package transaction.</summary>
    internal static ImageManifestDocument Build(InstallRun run)
    {
        var resolver = PackagesDownloadStep.Resolved(run);
        var fromRepository = resolver.Resolved.GroupBy(p => p.Nevra).ToDictionary(g => g.Key, g => g.First().RepositoryId, StringComparer.Ordinal);
        var packages = RpmDatabase.Open(run.RootPath).Packages
            .Where(p => p.Metadata.Name != "gpg-pubkey")
            .Select(p => new ManifestPackage(
                p.Metadata.Name,
                p.Metadata.Evr.Epoch is null ? null : (int)p.Metadata.Evr.EpochNumber,
                p.Metadata.Evr.Version,
                p.Metadata.Evr.Release ?? "",
                p.Metadata.Arch,
                p.Header.GetString(RpmSignatureTags.Sha256Header) ?? "",
                fromRepository.GetValueOrDefault(p.Metadata.Nevra)))
            .ToList();
        var repositories = resolver.Repositories.Select(r => new ManifestRepository(
            r.Id,
            r.Source.Base,
            r.Revision ?? (r.RepoMd.Data.Max(d => d.Timestamp) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            r.RepoMd.Sha256 ?? "")).ToList();
        var configText = ConfigWriter.Write(run.Config);
        return new ImageManifestDocument
        {
            ConfigDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configText))),
            Distribution = Distribution(run.Root),
            Preset = run.Config.Preset,
            BuildTime = run.Now,
            Seed = run.Config.Seed,
            KeelVersion = typeof(ImageManifestStep).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            Repositories = repositories,
            Packages = packages,
            Config = Redact(configText),
        };
    }

    /// <summary>"ID VERSION_ID" of the root's os-release (usr/lib first: etc/os-release is usually a link to it).</summary>
    internal static string Distribution(TargetRoot root)
    {
        var text = (NoFollow.IsRegularFile(root, "/usr/lib/os-release") ? NoFollow.ReadAllTextOrNull(root, "/usr/lib/os-release") : null)
            ?? (NoFollow.IsRegularFile(root, "/etc/os-release") ? NoFollow.ReadAllTextOrNull(root, "/etc/os-release") : null)
            ?? "";
        var fields = text.Split('\n')
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0].Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim().Trim('"', '\''), StringComparer.Ordinal);
        var id = fields.GetValueOrDefault("ID") ?? "unknown";
        return fields.GetValueOrDefault("VERSION_ID") is { Length: > 0 } version ? $"{id} {version}" : id;
    }

    /// <summary>The config text with every secret's value replaced by "&lt;redacted&gt;" (the manifest is world-readable).</summary>
    internal static string Redact(string configText)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(configText));
        foreach (var document in stream.Documents)
        {
            RedactNode(document.RootNode);
        }

        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static void RedactNode(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children.ToList())
                {
                    if (key is YamlScalarNode { Value: { } name } && SecretKeys.Contains(name) && value is YamlScalarNode { Value: { Length: > 0 } })
                    {
                        mapping.Children[key] = new YamlScalarNode(Redacted) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted };
                    }
                    else
                    {
                        RedactNode(value);
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    RedactNode(child);
                }

                break;
        }
    }
}
