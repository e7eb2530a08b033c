using System.Globalization;
using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.DiskImages;
using Keel.Install;
using Keel.Install.Boot;
using Keel.Install.Processes;
using Keel.Install.Settings;
using Keel.Media.Boot;
using Keel.Progress;
using Keel.TargetSystem;

namespace Keel.Media.Build;

/// <summary>
/// The live environment the medium boots: the live preset installed by the engine's package step into a directory, then
/// made into the installer's system (keel-installer.service enabled, DHCP on every wired interface, its own hostname, the
/// medium's key and description in /etc/keel), stored as the medium config says, and glued into a UKI.
/// </summary>
internal sealed class LiveRootBuilder(LoadedMedium medium, PresetCatalog catalog, PackageInstallOptions packageOptions, long? sourceDateEpoch)
{
    /// <summary>The unit that starts the installer on the live system (shipped by the keel package).</summary>
    public const string InstallerUnit = "keel-installer.service";

    /// <summary>The live system's host name.</summary>
    public const string HostName = "keel-installer";

    private const UnixFileMode FileMode644 = (UnixFileMode)0x1a4;

    // The kernel image is in the UKI already; a second copy in the live root would only cost medium space (and RAM).
    private const string KernelImagePattern = "usr/lib/modules/*/vmlinuz";

    private MediumConfig Config => medium.Config;

    /// <summary>The machine-config equivalent of the live environment: live preset and packages, carried plus live-only repositories.</summary>
    public LoadedConfig MachineEquivalent()
    {
        var config = new MachineConfig
        {
            Distribution = Config.Distribution,
            Arch = Config.Arch,
            Preset = Config.Live.Preset,
            Packages = Config.Live.Packages,
            Repositories = [.. Config.Repositories, .. Config.Live.Repositories],
            Seed = Config.Seed,
        };
        return new LoadedConfig(medium.Source, medium.BaseDirectory, config, new SourceMap());
    }

    /// <summary>live.packages: installs the live preset into <paramref name="root"/> with the engine's package step.</summary>
    public async Task<int> InstallAsync(string root, IProgress<EngineEvent> progress, CancellationToken cancellationToken)
    {
        var loaded = MachineEquivalent();
        var request = PackageRequest.Build(loaded, catalog);
        using var step = new PackageInstallStep(packageOptions);
        var result = await step.RunAsync(loaded, request, root, progress, cancellationToken).ConfigureAwait(false);
        return result.Installed.Count;
    }

    /// <summary>live.configure: the settings that make the root the installer's live system. Returns warnings.</summary>
    public async Task<IReadOnlyList<string>> ConfigureAsync(string root, MediumInfo info, string signingKey, CancellationToken cancellationToken)
    {
        var target = new TargetRoot(root);
        var warnings = new List<string>();
        target.WriteText("/etc/hostname", HostName + "\n", FileMode644);
        target.CreateDirectory("/etc/systemd/network");
        target.WriteText("/etc/systemd/network/80-dhcp.network", "[Match]\nName=e*\n\n[Network]\nDHCP=yes\n", FileMode644);
        target.CreateDirectory("/etc/keel");
        target.WriteText(MediumLayout.LiveInfoPath, MediumInfoJson(info), FileMode644);
        target.WriteText(MediumLayout.InitramfsKeyPath, signingKey, FileMode644);

        // Every boot of the live system is a new machine: an empty machine-id is filled at boot (and keeps the root reproducible).
        if (target.Exists("/etc/machine-id"))
        {
            target.WriteText("/etc/machine-id", "", (UnixFileMode)0x124);
        }

        if (target.Exists("/usr/lib/systemd/system/" + InstallerUnit) || target.Exists("/etc/systemd/system/" + InstallerUnit))
        {
            await ServiceSettings.ApplyAsync(target, new ServicesConfig { Enable = [InstallerUnit] }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            warnings.Add($"the live root has no {InstallerUnit} (is the keel package in the live preset?): the medium boots to a console only");
        }

        return warnings;
    }

    /// <summary>The medium's description as the live root and the ISO carry it.</summary>
    public static string MediumInfoJson(MediumInfo info) =>
        System.Text.Json.JsonSerializer.Serialize(info, MediumInfoJsonContext.Default.MediumInfo) + "\n";

    /// <summary>live.image: the compressed root file at its place in the ISO tree; returns its path relative to the tree.</summary>
    public async Task<string> WriteImageAsync(string root, string tree, CancellationToken cancellationToken)
    {
        var relative = Config.Live.Root == LiveRootFormat.Erofs ? MediumLayout.ErofsImage : MediumLayout.SquashfsImage;
        var image = Path.Combine(tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        var epoch = sourceDateEpoch?.ToString(CultureInfo.InvariantCulture);
        if (Config.Live.Root == LiveRootFormat.Erofs)
        {
            var uuid = StableIds.Derive(Config.Seed, "medium:live-root");
            await StepTool.RunAsync("live.image", "mkfs.erofs",
                ["-zlz4hc", "-U" + uuid.ToString("D"), .. epoch is null ? Array.Empty<string>() : ["-T" + epoch, "--ignore-mtime"], "--quiet",
                    "--exclude-regex=^usr/lib/modules/[^/]+/vmlinuz$", image, root],
                cancellationToken, debianPackage: "erofs-utils").ConfigureAwait(false);
        }
        else
        {
            // Owners and modes are kept (the root is real); xattrs are left out until the live root carries SELinux labels.
            // mksquashfs takes SOURCE_DATE_EPOCH from the environment for the image and every file time (and refuses
            // -mkfs-time/-all-time beside it), so it is passed there.
            await StepTool.RunAsync("live.image", "mksquashfs",
                [root, image, "-noappend", "-comp", "zstd", "-no-xattrs", "-no-progress", "-quiet", "-wildcards", "-e", KernelImagePattern],
                cancellationToken, epoch is null ? null : new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = epoch }, debianPackage: "squashfs-tools").ConfigureAwait(false);
        }

        return relative;
    }

    /// <summary>
    /// live.initramfs for a squashfs or erofs root: the live root's own dracut with dmsquash-live, carrying the medium key
    /// and the root image's digest (checked before the image is mounted), both staged in the root only for dracut's run.
    /// </summary>
    public async Task BuildLiveInitramfsAsync(string root, string imageRelative, string imageSha256, string output, CancellationToken cancellationToken)
    {
        var target = new TargetRoot(root);
        var kernel = KernelLocator.Find(target);
        const string stagedDigest = "/var/tmp/keel-live-root.sha256";
        const string stagedKey = "/var/tmp/keel-medium-key.asc";
        target.CreateDirectory("/var/tmp");
        target.WriteText(stagedDigest, $"{imageSha256}  {imageRelative}\n", FileMode644);
        target.WriteFile(stagedKey, target.ReadAllBytesOrNull(MediumLayout.InitramfsKeyPath)!, FileMode644);
        try
        {
            await InitramfsBuilder.BuildAsync(target, kernel, output, sourceDateEpoch,
                [new InitramfsInclude(stagedKey, MediumLayout.InitramfsKeyPath), new InitramfsInclude(stagedDigest, MediumLayout.InitramfsLiveRootDigestPath)],
                ["dmsquash-live"], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            target.DeleteFile(stagedDigest);
            target.DeleteFile(stagedKey);
        }
    }

    /// <summary>
    /// live.image for live.root: initramfs: the whole root as one zstd-compressed newc cpio with /init starting the root's
    /// own init (the kernel image itself is left out: it is in the UKI already).
    /// </summary>
    public async Task BuildRootInitramfsAsync(string root, string output, CancellationToken cancellationToken)
    {
        var target = new TargetRoot(root);
        if (!target.Exists("/usr/sbin/init"))
        {
            throw new InvalidDataException("live.image: the live root has no /usr/sbin/init; add the distribution's init (systemd) to the live preset");
        }

        target.Symlink("/init", "usr/sbin/init");

        // Fixed text; paths and the epoch are arguments. Mtimes are clamped so the archive does not depend on the build time.
        const string script = """
            set -euo pipefail
            root=$1 out=$2 epoch=$3
            cd "$root"
            if [ -n "$epoch" ]; then find . -newermt "@$epoch" -print0 | xargs -0r touch -h -d "@$epoch"; fi
            find . ! -path "./$4" -print0 | LC_ALL=C sort -z \
              | cpio --null --create --format=newc --reproducible --quiet | zstd -q -15 -T0 -o "$out"
            """;
        await StepTool.RunAsync("live.image", "bash", ["-c", script, "keel-live-cpio", root, output, sourceDateEpoch?.ToString(CultureInfo.InvariantCulture) ?? "", KernelImagePattern],
            cancellationToken, debianPackage: "cpio zstd").ConfigureAwait(false);
    }

    /// <summary>boot.uki: the UKI of the live root's stub and kernel with <paramref name="initramfs"/>.</summary>
    public async Task BuildUkiAsync(string root, string initramfs, string output, CancellationToken cancellationToken)
    {
        var target = new TargetRoot(root);
        var names = EfiNames.For(Config.Arch);
        var stub = target.Resolve(names.Stub);
        if (!File.Exists(stub))
        {
            throw new InvalidDataException($"boot.uki: the live root has no {names.Stub}; add systemd-boot-unsigned (or the package shipping the EFI stub) to the live preset");
        }

        var kernel = KernelLocator.Find(target);
        var osRelease = target.ReadAllTextOrNull("/etc/os-release") ?? target.ReadAllTextOrNull("/usr/lib/os-release")
            ?? throw new InvalidDataException("boot.uki: the live root has no os-release; add the distribution's release package to the live preset");
        await UkiBuilder.BuildAsync(new UkiParts(stub, kernel.ImagePath, initramfs, CommandLine(), osRelease), output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The live kernel command line, sealed in the UKI: dracut dmsquash-live's root=live:LABEL= with the volume label (the
    /// erofs image named with rd.live.squashimg), nothing for an initramfs root, then live.kernelCommandLine.
    /// </summary>
    public string CommandLine()
    {
        var parts = Config.Live.Root switch
        {
            LiveRootFormat.Squashfs => new List<string> { $"root=live:LABEL={Config.VolumeLabel}", "rd.live.image" },
            LiveRootFormat.Erofs => [$"root=live:LABEL={Config.VolumeLabel}", "rd.live.image", "rd.live.squashimg=" + Path.GetFileName(MediumLayout.ErofsImage)],
            _ => [],
        };
        if (!string.IsNullOrWhiteSpace(Config.Live.KernelCommandLine))
        {
            parts.Add(Config.Live.KernelCommandLine.Trim());
        }

        return string.Join(' ', parts);
    }
}
