using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.DiskImages;
using Keel.Errors;
using Keel.Install;
using Keel.Install.Engine;
using Keel.Install.Signing;
using Keel.Media.Boot;
using Keel.Media.Iso;
using Keel.Progress;

namespace Keel.Media.Build;

/// <summary>What `keel media build` was asked for beyond the medium document.</summary>
public sealed record MediumBuildOptions
{
    /// <summary>The ISO to write; it appears only when complete.</summary>
    public required string Output { get; init; }

    /// <summary>The gpg key (id, fingerprint or user id) that signs the manifest, the offline repodata and SHA256SUMS.</summary>
    public string? SigningKey { get; init; }

    /// <summary>`--repo DIR`: the carried repositories given by path are read from DIR (keys stay the document's).</summary>
    public string? RepositoryDirectory { get; init; }

    /// <summary>SOURCE_DATE_EPOCH: every time stamp, and with the document's seed every UUID, is fixed.</summary>
    public long? SourceDateEpoch { get; init; }

    /// <summary>The gpg home holding the signing key; null: gpg's own default (GNUPGHOME or ~/.gnupg).</summary>
    public string? GnupgHome { get; init; }

    /// <summary>The package step's settings (cache, parallelism).</summary>
    public PackageInstallOptions Packages { get; init; } = new();
}

/// <summary>A built medium: the ISO, its size, what it holds and who signed it.</summary>
public sealed record MediumBuildResult(string Output, long SizeBytes, int Files, int LivePackages, int RepositoryPackages, string KeyId,
    string Sha256Sums, TimeSpan Elapsed, IReadOnlyList<string> Warnings);

/// <summary>
/// Builds an installer medium from a `kind: Medium` document by driving the install engine's parts: the live root is the
/// live preset installed by the package step, its initramfs the root's own dracut, its UKI the engine's UkiBuilder, the ESP
/// the disk-image FAT writer; the offline repository is each preset resolved and verified by the package step. Every file
/// of the ISO tree goes into a signed manifest; the ISO is written beside the output and renamed into place when complete.
/// </summary>
public static class MediumBuilder
{
    /// <summary>The steps in order (the `--progress json` step ids).</summary>
    public static readonly IReadOnlyList<string> Steps =
        ["medium.check", "repo.packages", "repo.metadata", "live.packages", "live.configure", "live.image", "live.initramfs", "boot.uki", "boot.esp", "medium.sign", "iso.write", "iso.checksums"];

    /// <summary>Builds the medium; every failure is one line naming the step and the input, and leaves no ISO behind.</summary>
    public static async Task<MediumBuildResult> BuildAsync(LoadedMedium medium, PresetCatalog catalog, MediumBuildOptions options,
        IProgress<EngineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(medium);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var config = medium.Config;
        var output = CheckOutput(options.Output);
        var epoch = options.SourceDateEpoch;
        var packageOptions = options.Packages with { SourceDateEpoch = epoch };
        var steps = new EngineSteps(progress);
        var warnings = new List<string>();
        steps.Plan(Steps);

        GpgSigner signer = null!;
        string signingKey = "";
        await steps.RunAsync("medium.check", async () =>
        {
            if (options.SigningKey is null)
            {
                throw new UnsupportedInputException("--signing-key", "a medium that cannot verify itself is not a medium: give --signing-key KEYID (a secret key in the gpg keyring)",
                    "for a throwaway test key: gpg --quick-gen-key 'test medium' rsa3072 sign never");
            }

            signer = await GpgSigner.OpenAsync(options.SigningKey, epoch, options.GnupgHome, cancellationToken).ConfigureAwait(false);
            signingKey = await signer.ExportPublicKeyAsync(cancellationToken).ConfigureAwait(false);
            if (options.RepositoryDirectory is { } dir)
            {
                OverrideRepositories(medium, dir);
            }

            steps.Report(new ProgressEvent("medium.check", $"signing with {signer.Key.KeyId}; writing {output}", 1, 1));
        }).ConfigureAwait(false);

        var info = Info(config, signer.Key.KeyId, epoch);
        using var work = WorkArea.Create(output);
        var tree = Path.Combine(work.Path, "tree");
        var live = Path.Combine(work.Path, "live-root");
        Directory.CreateDirectory(Path.Combine(tree, "keel"));
        var liveBuilder = new LiveRootBuilder(medium, catalog, packageOptions, epoch);
        var repoBuilder = new OfflineRepositoryBuilder(medium, catalog, packageOptions, epoch);
        int livePackages = 0, repoPackages = 0;
        var initramfs = Path.Combine(work.Path, "initramfs.img");
        var uki = Path.Combine(work.Path, "uki.efi");
        var esp = Path.Combine(work.Path, "esp.img");
        string? tmpIso = null;
        try
        {
            // The offline repository first: a preset or package that does not resolve is found in seconds.
            var repository = Path.Combine(tree, MediumLayout.Repository);
            await steps.RunAsync("repo.packages", async () =>
                repoPackages = await repoBuilder.CollectPackagesAsync(Path.Combine(work.Path, "repo-scratch"), repository, Relabel(steps, "repo.packages"), cancellationToken)
                    .ConfigureAwait(false)).ConfigureAwait(false);

            await steps.RunAsync("repo.metadata", async () =>
            {
                await repoBuilder.WriteMetadataAsync(repository, work.Path, signer, cancellationToken).ConfigureAwait(false);
                var keysDirectory = Path.Combine(tree, MediumLayout.KeysDirectory);
                var keys = repoBuilder.CopyKeys(keysDirectory);
                await File.WriteAllTextAsync(Path.Combine(tree, MediumLayout.SigningKey), signingKey, cancellationToken).ConfigureAwait(false);
                info = info with
                {
                    RepositoryKeys = [.. keys.Select(k => MediumLayout.KeysDirectory + "/" + k), MediumLayout.SigningKey],
                    Online = OnlineInfo(medium, keysDirectory),
                };
                steps.Report(new ProgressEvent("repo.metadata", $"{repoPackages} packages, repodata signed by {signer.Key.KeyId}", 1, 1));
            }).ConfigureAwait(false);
            Directory.Delete(Path.Combine(work.Path, "repo-scratch"), recursive: true);

            await steps.RunAsync("live.packages", async () =>
                livePackages = await liveBuilder.InstallAsync(live, Relabel(steps, "live.packages"), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

            await steps.RunAsync("live.configure", async () =>
            {
                var found = await liveBuilder.ConfigureAsync(live, info, signingKey, cancellationToken).ConfigureAwait(false);
                foreach (var warning in found)
                {
                    warnings.Add(warning);
                    steps.Report(new LogEvent("live.configure", "warning: " + warning));
                }

                steps.Report(new ProgressEvent("live.configure",
                    $"hostname {LiveRootBuilder.HostName}, DHCP on e*{(found.Count == 0 ? ", " + LiveRootBuilder.InstallerUnit + " enabled" : "")}", 1, 1));
            }).ConfigureAwait(false);

            string? image = null;
            await steps.RunAsync("live.image", async () =>
            {
                // The uncompressed size is what an initramfs root costs in RAM for as long as the live system runs.
                var rootBytes = new DirectoryInfo(live).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is null).Sum(f => f.Length);
                if (config.Live.Root == LiveRootFormat.Initramfs)
                {
                    await liveBuilder.BuildRootInitramfsAsync(live, initramfs, cancellationToken).ConfigureAwait(false);
                    steps.Report(new ProgressEvent("live.image", $"live root of {ByteText(rootBytes)} as initramfs: {ByteText(new FileInfo(initramfs).Length)}", 1, 1));
                }
                else
                {
                    image = await liveBuilder.WriteImageAsync(live, tree, cancellationToken).ConfigureAwait(false);
                    steps.Report(new ProgressEvent("live.image", $"live root of {ByteText(rootBytes)} as {image}: {ByteText(new FileInfo(Path.Combine(tree, image)).Length)}", 1, 1));
                }
            }).ConfigureAwait(false);

            await steps.RunAsync("live.initramfs", async () =>
            {
                if (image is not null)
                {
                    var (sha, _) = await MediumTree.Sha256Async(Path.Combine(tree, image), cancellationToken).ConfigureAwait(false);
                    await liveBuilder.BuildLiveInitramfsAsync(live, image, sha, initramfs, cancellationToken).ConfigureAwait(false);
                }

                steps.Report(new ProgressEvent("live.initramfs", $"initramfs {ByteText(new FileInfo(initramfs).Length)}", 1, 1));
            }).ConfigureAwait(false);

            await steps.RunAsync("boot.uki", async () =>
            {
                await liveBuilder.BuildUkiAsync(live, initramfs, uki, cancellationToken).ConfigureAwait(false);
                steps.Report(new ProgressEvent("boot.uki", $"UKI {ByteText(new FileInfo(uki).Length)}: {liveBuilder.CommandLine()}", 1, 1));
            }).ConfigureAwait(false);
            Directory.Delete(live, recursive: true);

            await steps.RunAsync("boot.esp", async () =>
            {
                await WriteEspAsync(config, uki, esp, Path.Combine(work.Path, "esp"), epoch, cancellationToken).ConfigureAwait(false);
                var (sha, size) = await MediumTree.Sha256Async(esp, cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(Path.Combine(tree, MediumLayout.EspDigest), $"{sha}  {size.ToString(CultureInfo.InvariantCulture)}\n", cancellationToken).ConfigureAwait(false);
                steps.Report(new ProgressEvent("boot.esp", $"ESP {ByteText(size)} with {EfiNames.For(config.Arch).BootFile}", 1, 1));
            }).ConfigureAwait(false);



            int files = 0;
            await steps.RunAsync("medium.sign", async () =>
            {
                await File.WriteAllTextAsync(Path.Combine(tree, MediumLayout.Info), LiveRootBuilder.MediumInfoJson(info), cancellationToken).ConfigureAwait(false);
                if (epoch is { } e)
                {
                    MediumTree.SetTimes(tree, e);
                }

                var manifest = await MediumTree.CreateManifestAsync(tree, cancellationToken).ConfigureAwait(false);
                var manifestPath = Path.Combine(tree, MediumLayout.Manifest);
                await File.WriteAllBytesAsync(manifestPath, manifest.ToBytes(), cancellationToken).ConfigureAwait(false);
                await signer.SignAsync(manifestPath, Path.Combine(tree, MediumLayout.ManifestSignature), cancellationToken).ConfigureAwait(false);
                if (epoch is { } e2)
                {
                    MediumTree.SetTimes(tree, e2);
                }

                files = manifest.Entries.Count;
                steps.Report(new ProgressEvent("medium.sign", $"manifest of {files} files ({ByteText(manifest.TotalBytes)}) signed by {signer.Key.KeyId}", 1, 1));
            }).ConfigureAwait(false);

            await steps.RunAsync("iso.write", async () =>
            {
                tmpIso = TemporaryBeside(output);
                await IsoImage.WriteAsync(tree, esp, config.VolumeLabel, tmpIso, epoch, cancellationToken).ConfigureAwait(false);
                File.Move(tmpIso, output, overwrite: true);
                tmpIso = null;
                steps.Report(new ProgressEvent("iso.write", $"{output}: {ByteText(new FileInfo(output).Length)}", 1, 1));
            }).ConfigureAwait(false);

            var sums = Path.Combine(Path.GetDirectoryName(output)!, MediumLayout.Sha256Sums);
            await steps.RunAsync("iso.checksums", async () =>
            {
                await Sha256Sums.WriteAsync(output, sums, signer, cancellationToken).ConfigureAwait(false);
                steps.Report(new ProgressEvent("iso.checksums", $"{sums} and {MediumLayout.Sha256SumsSignature}", 1, 1));
            }).ConfigureAwait(false);

            return new MediumBuildResult(output, new FileInfo(output).Length, files, livePackages, repoPackages, signer.Key.KeyId, sums, clock.Elapsed, warnings);
        }
        finally
        {
            if (tmpIso is not null)
            {
                File.Delete(tmpIso);
            }
        }
    }

    /// <summary>The output as an absolute path; a directory or a missing parent directory is refused before anything is built.</summary>
    public static string CheckOutput(string output)
    {
        var full = Path.GetFullPath(output);
        if (Directory.Exists(full))
        {
            throw new KeelException(ReasonCodes.InvalidInput, output, $"-o {output}: is a directory; give the path of the ISO file to write");
        }

        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new DirectoryNotFoundException($"-o {output}: the directory {Path.GetDirectoryName(full)} does not exist");
        }

        return full;
    }

    /// <summary>A fresh temporary name beside <paramref name="output"/> (same file system, so the final move is a rename).</summary>
    public static string TemporaryBeside(string output) => $"{output}.tmp-{Guid.NewGuid().ToString("N")[..8]}";

    // --repo DIR, with keel build's rules (keys stay the document's, a mirror never vouches for itself), on the carried repositories.
    private static void OverrideRepositories(LoadedMedium medium, string directory)
    {
        var carried = new MachineConfig { Repositories = medium.Config.Repositories };
        RepositoryOverride.Apply(new LoadedConfig(medium.Source, medium.BaseDirectory, carried, new SourceMap()), new RepositoryOverrideRequest(directory));
    }

    private static MediumInfo Info(MediumConfig config, string keyId, long? epoch) => new()
    {
        Name = config.Name,
        Distribution = config.Distribution,
        Arch = EfiNames.For(config.Arch).RpmArch,
        VolumeLabel = config.VolumeLabel,
        Presets = [.. config.Presets],
        RepositoryId = OfflineRepositoryBuilder.RepositoryId,
        SigningKeyId = keyId,
        KeelVersion = typeof(MediumBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
        Created = (epoch is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : DateTimeOffset.UtcNow).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    // The online repository's keys as the installer reads them: URLs as given, local files carried under keel/keys/online-*.
    private static OnlineRepositoryInfo? OnlineInfo(LoadedMedium medium, string keysDirectory)
    {
        if (medium.Config.Online is not { } online)
        {
            return null;
        }

        var keys = new List<string>();
        foreach (var key in online.Gpgkeys)
        {
            if (key.Contains("://", StringComparison.Ordinal))
            {
                keys.Add(key);
                continue;
            }

            var name = "online-" + Path.GetFileName(key);
            File.Copy(medium.Resolve(key), Path.Combine(keysDirectory, name), overwrite: true);
            keys.Add(MediumLayout.KeysDirectory + "/" + name);
        }

        return new OnlineRepositoryInfo(online.Id, online.Baseurl, keys, online.Timeout);
    }

    // The ESP holds the UKI at the removable-media path only: firmware boots it directly, no boot manager in between.
    private static async Task WriteEspAsync(MediumConfig config, string uki, string esp, string espTree, long? epoch, CancellationToken cancellationToken)
    {
        var boot = Path.Combine(espTree, EfiNames.For(config.Arch).BootFile);
        Directory.CreateDirectory(Path.GetDirectoryName(boot)!);
        File.Copy(uki, boot);
        const long mib = 1 << 20;
        long size = Math.Max(16 * mib, (new FileInfo(uki).Length + (2 * mib) + mib - 1) / mib * mib);
        await using (var file = new FileStream(esp, FileMode.CreateNew, FileAccess.Write))
        {
            file.SetLength(size);
        }

        await FilesystemWriter.CreateAsync(esp, new FilesystemRequest("vfat", "KEELESP", StableIds.Derive(config.Seed, "medium:esp"), espTree, 0, size, epoch),
            null, cancellationToken).ConfigureAwait(false);
        Directory.Delete(espTree, recursive: true);
    }

    private static CallbackSink Relabel(EngineSteps steps, string step) => new(e => steps.Report(e is ProgressEvent p ? p with { StepId = step, Message = $"{p.StepId}: {p.Message}" } : e));

    private static string ByteText(long bytes) => bytes >= 1 << 20
        ? (bytes / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";

    // Package-step events carry their own step ids; inside a medium step they are reported under that step.
    private sealed class CallbackSink(Action<EngineEvent> report) : IProgress<EngineEvent>
    {
        public void Report(EngineEvent value) => report(value);
    }
}
