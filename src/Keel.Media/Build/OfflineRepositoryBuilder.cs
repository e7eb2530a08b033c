using System.Globalization;
using System.Xml.Linq;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Install;
using Keel.Install.Processes;
using Keel.Install.Signing;
using Keel.Progress;
using Keel.Repository.Definitions;

namespace Keel.Media.Build;

/// <summary>
/// The medium's offline repository: every package each offered preset (plus extraPackages) resolves to with Keel's solver
/// against the carried repositories, downloaded and verified by the engine's package step, indexed by createrepo_c with the
/// source's comps groups, and its repomd.xml signed with the medium key. The carried repositories' keys go to keel/keys.
/// </summary>
internal sealed class OfflineRepositoryBuilder(LoadedMedium medium, PresetCatalog catalog, PackageInstallOptions packageOptions, long? sourceDateEpoch)
{
    /// <summary>The repository id the installer gives the medium's repository.</summary>
    public const string RepositoryId = "medium";

    private MediumConfig Config => medium.Config;

    /// <summary>The machine-config equivalent for offering <paramref name="preset"/>: that preset plus extraPackages and what encryption adds, from the carried repositories.</summary>
    public LoadedConfig MachineEquivalent(string preset)
    {
        var config = new MachineConfig
        {
            Distribution = Config.Distribution,
            Arch = Config.Arch,
            Preset = preset,
            // The installer may encrypt any preset's root: what that adds must be on the medium too, or an offline
            // encrypted install fails for a package the medium lacks.
            Packages = new PackageSelection { Include = [.. Config.ExtraPackages, .. PackageRequest.EncryptionPackages] },
            Repositories = [.. Config.Repositories],
        };
        return new LoadedConfig(medium.Source, medium.BaseDirectory, config, new SourceMap());
    }

    /// <summary>
    /// repo.packages: resolves and downloads every preset's set into its own scratch root under <paramref name="work"/> and
    /// copies the union into <paramref name="repository"/>/Packages/&lt;first letter&gt;/. Returns how many packages.
    /// </summary>
    public async Task<int> CollectPackagesAsync(string work, string repository, IProgress<EngineEvent> progress, CancellationToken cancellationToken)
    {
        var chosen = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < Config.Presets.Count; i++)
        {
            var preset = Config.Presets[i];
            var loaded = MachineEquivalent(preset);
            var request = PackageRequest.Build(loaded, catalog);
            var scratch = Path.Combine(work, "preset-" + i.ToString(CultureInfo.InvariantCulture));
            using var step = new PackageInstallStep(packageOptions);
            try
            {
                await step.ResolveAsync(loaded, request, scratch, progress, cancellationToken).ConfigureAwait(false);
                await step.DownloadAsync(progress, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"preset '{preset}': {ex.Message}", ex);
            }

            // The package step stages verified files here; they are the very bytes the installer's rpm will read.
            var staged = Path.Combine(scratch, PackageInstallStep.StagingDirectory);
            foreach (var file in Directory.EnumerateFiles(staged, "*.rpm", SearchOption.AllDirectories))
            {
                chosen.TryAdd(Path.GetFileName(file), file);
            }

            progress.Report(new ProgressEvent("repo.packages", $"preset {preset}: {request.Install.Count} requested; {chosen.Count} packages in the union", i + 1, Config.Presets.Count));
        }

        foreach (var (name, file) in chosen)
        {
            var dir = Path.Combine(repository, "Packages", char.ToLowerInvariant(name[0]).ToString());
            Directory.CreateDirectory(dir);
            var copy = Path.Combine(dir, name);
            File.Copy(file, copy);

            // createrepo_c records each package file's mtime in primary.xml; the epoch keeps the metadata reproducible.
            if (sourceDateEpoch is { } epoch)
            {
                File.SetLastWriteTimeUtc(copy, DateTime.UnixEpoch.AddSeconds(epoch));
            }
        }

        return chosen.Count;
    }

    /// <summary>
    /// repo.metadata: createrepo_c over <paramref name="repository"/> (with the first carried repository's comps file) and
    /// repomd.xml signed by <paramref name="signer"/>.
    /// </summary>
    public async Task WriteMetadataAsync(string repository, string work, GpgSigner signer, CancellationToken cancellationToken)
    {
        var args = new List<string> { "--no-database", "--quiet" };
        if (sourceDateEpoch is { } epoch)
        {
            args.AddRange(["--revision", epoch.ToString(CultureInfo.InvariantCulture), "--set-timestamp-to-revision"]);
        }

        if (FindGroupFile(work) is { } comps)
        {
            args.AddRange(["--groupfile", comps]);
        }

        args.Add(repository);
        await StepTool.RunAsync("repo.metadata", "createrepo_c", args, cancellationToken, debianPackage: "createrepo-c").ConfigureAwait(false);
        var repomd = Path.Combine(repository, "repodata", "repomd.xml");
        await signer.SignAsync(repomd, repomd + ".asc", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies each carried repository's local key files into <paramref name="keysDirectory"/>; returns their file names.</summary>
    public IReadOnlyList<string> CopyKeys(string keysDirectory)
    {
        Directory.CreateDirectory(keysDirectory);
        var names = new List<string>();
        foreach (var definition in Definitions())
        {
            foreach (var key in definition.GpgKeys)
            {
                var path = key.StartsWith("file://", StringComparison.Ordinal) ? new Uri(key).LocalPath : key;
                if (path.Contains("://", StringComparison.Ordinal))
                {
                    throw new NotSupportedException($"repository '{definition.Id}': key {key}: the medium carries only local key files yet");
                }

                var name = Path.GetFileName(path);
                if (names.Contains(name, StringComparer.Ordinal))
                {
                    continue;
                }

                File.Copy(path, Path.Combine(keysDirectory, name));
                names.Add(name);
            }
        }

        return names;
    }

    private IReadOnlyList<RepositoryDefinition> Definitions() => ConfigRepositories.Definitions(MachineEquivalent(Config.Presets[0]));

    // The comps file a local carried repository lists in its repomd.xml as "group" (the uncompressed one createrepo_c takes).
    private string? FindGroupFile(string work)
    {
        foreach (var definition in Definitions())
        {
            var location = definition.BaseUrls[0];
            var dir = location.StartsWith("file://", StringComparison.Ordinal) ? new Uri(location).LocalPath : location;
            var repomd = Path.Combine(dir, "repodata", "repomd.xml");
            if (location.Contains("://", StringComparison.Ordinal) && !location.StartsWith("file://", StringComparison.Ordinal) || !File.Exists(repomd))
            {
                continue;
            }

            XNamespace ns = "http://linux.duke.edu/metadata/repo";
            var data = XDocument.Load(repomd).Root?.Elements(ns + "data").FirstOrDefault(d => (string?)d.Attribute("type") == "group");
            var href = data?.Element(ns + "location")?.Attribute("href")?.Value;
            if (href is null)
            {
                continue;
            }

            var source = Path.GetFullPath(Path.Combine(dir, href));
            if (!source.StartsWith(Path.GetFullPath(dir) + "/", StringComparison.Ordinal) || !File.Exists(source))
            {
                continue;
            }

            // The repomd.xml was signature-checked when the repository loaded; the comps file is trusted through its checksum there.
            var checksum = data!.Element(ns + "checksum");
            var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source)));
            if ((string?)checksum?.Attribute("type") != "sha256" || !string.Equals(checksum.Value.Trim(), actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"repository '{definition.Id}': {href} does not match the sha256 its repomd.xml gives");
            }

            // createrepo_c names the group data after the file it is given; a plain comps.xml keeps the metadata tidy.
            var copy = Path.Combine(work, "comps.xml");
            File.Copy(source, copy, overwrite: true);
            return copy;
        }

        return null;
    }
}
