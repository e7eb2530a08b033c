using Keel.Errors;
using Keel.Processes;

namespace Keel.Inspection;

/// <summary>
/// Opens a disk image's filesystems read-only on the host: converts a qcow2, vhdx or dynamic vhd to a temporary raw
/// disk, reads its GPT, attaches the root partition (and a separate /boot, /var, /home) as read-only loop devices with
/// offset and size limit, mounts them read-only without journal replay in a private temporary directory (the root under
/// an overlay whose writable layer is scratch space), and copies the ESP's files out with mtools (this host may not
/// mount vfat). Everything it did is undone, in reverse, on dispose and
/// when opening fails or is cancelled.
/// </summary>
internal sealed class ImageAccess : IAsyncDisposable
{
    private readonly Stack<(string What, Func<Task> Undo)> _undo = new();
    private readonly DirectoryInfo _scratch;

    private ImageAccess(DirectoryInfo scratch)
    {
        _scratch = scratch;
        _undo.Push(("remove " + scratch.FullName, () => RemoveScratchAsync(scratch)));
    }

    public string Root => Path.Combine(_scratch.FullName, "root");

    public string? EspDirectory { get; private set; }

    public IReadOnlyList<ImagePartition> Partitions { get; private set; } = [];

    public string Description { get; private set; } = "";

    /// <summary>Opens <paramref name="image"/>; on any failure everything done so far is undone before the exception leaves.</summary>
    public static async Task<ImageAccess> OpenAsync(string image, CancellationToken ct)
    {
        var full = Path.GetFullPath(image);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{image}: no such disk image");
        }

        // CreateTempSubdirectory makes it 0700: the mounted tree is reachable by root only.
        var access = new ImageAccess(Directory.CreateTempSubdirectory("keel-inspect-"));
        try
        {
            await access.OpenCoreAsync(image, full, ct).ConfigureAwait(false);
            return access;
        }
        catch
        {
            await access.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task OpenCoreAsync(string image, string full, CancellationToken ct)
    {
        var format = ContentProbe.ImageFormat(full);
        var raw = full;
        var diskBytes = new FileInfo(full).Length;
        switch (format)
        {
            case "vhd-fixed":
                // A fixed VHD is the raw disk followed by a 512-byte footer.
                diskBytes -= 512;
                break;
            case "qcow2" or "vhdx" or "vhd-dynamic":
                raw = Path.Combine(_scratch.FullName, "disk.raw");
                await ConvertToRawAsync(image, full, format == "vhd-dynamic" ? "vpc" : format, raw, ct).ConfigureAwait(false);
                diskBytes = new FileInfo(raw).Length;
                break;
        }

        Partitions = GptPartitionTable.Read(raw, diskBytes, image);
        var root = Partitions.FirstOrDefault(p => p.Kind == PartitionKind.Root)
            ?? throw new InvalidDataException($"{image}: no root partition (GPT type 4f68bce3-e8cd-4db1-96e7-fbcaf984b709 or b921b045-1df0-41c3-af44-4c6f280d3fae)");
        var rootFs = ContentProbe.Filesystem(raw, root.StartBytes);
        if (rootFs == "luks")
        {
            throw new UnsupportedInputException(image, $"{image}: the root partition ({root.Number}) is encrypted (LUKS); an encrypted image cannot be inspected offline",
                "unlock it with cryptsetup, mount it and pass --root DIR instead");
        }

        // The root filesystem is mounted read-only below an overlay whose upper layer is scratch space: the image is never
        // written, yet tools that must create a file beside what they read (sqlite's -shm for a WAL rpmdb, so that
        // `rpm --root` works) can. A separate /boot, /var and /home are mounted read-only on the overlay.
        var lower = Path.Combine(_scratch.FullName, "lower");
        Directory.CreateDirectory(lower);
        await MountAsync(image, raw, root, rootFs, lower, ct).ConfigureAwait(false);
        await MountOverlayAsync(lower, ct).ConfigureAwait(false);
        Description = $"image {image} (partition {root.Number}, {rootFs})";

        foreach (var (kind, directory) in new[] { (PartitionKind.Boot, "boot"), (PartitionKind.Var, "var"), (PartitionKind.Home, "home") })
        {
            if (Partitions.FirstOrDefault(p => p.Kind == kind) is not { } part)
            {
                continue;
            }

            var fs = ContentProbe.Filesystem(raw, part.StartBytes);
            if (fs is not ("ext4" or "xfs"))
            {
                continue;
            }

            // The mount point is a child of the image's own (read-only, so unchanging) root: it must be a real
            // directory there, never a symlink that would put the mount somewhere on the host.
            var mountPoint = Path.Combine(Root, directory);
            var info = new DirectoryInfo(mountPoint);
            if (!info.Exists || info.LinkTarget is not null)
            {
                throw new InvalidDataException($"{image}: /{directory} in the root filesystem is not a directory, so partition {part.Number} cannot be mounted there");
            }

            await MountAsync(image, raw, part, fs, mountPoint, ct).ConfigureAwait(false);
        }

        if (Partitions.FirstOrDefault(p => p.Kind == PartitionKind.Esp) is { } esp && ContentProbe.Filesystem(raw, esp.StartBytes) == "vfat")
        {
            var espDirectory = Path.Combine(_scratch.FullName, "esp");
            Directory.CreateDirectory(espDirectory);
            var env = new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1", ["MTOOLSRC"] = "/dev/null" };
            await ToolRunner.RunAsync(ToolLookup.Require("mcopy", "mtools"), ["-s", "-p", "-m", "-n", "-Q", "-i", $"{raw}@@{esp.StartBytes}", "::/*", espDirectory + "/"], env, ct,
                debianPackage: "mtools").ConfigureAwait(false);
            EspDirectory = espDirectory;
        }
    }

    private async Task ConvertToRawAsync(string image, string full, string qemuFormat, string raw, CancellationToken ct)
    {
        var qemuImg = ToolLookup.Require("qemu-img", "qemu-utils");
        // A hostile qcow2 may name a backing or data file anywhere on this host; qemu-img would read it into the disk.
        var info = await ToolRunner.RunAsync(qemuImg, ["info", "-f", qemuFormat, "--output", "json", full], null, ct).ConfigureAwait(false);
        if (info.Output.Contains("\"backing-filename\"", StringComparison.Ordinal) || info.Output.Contains("\"data-file\"", StringComparison.Ordinal))
        {
            throw new UnsupportedInputException(image, $"{image}: the image refers to a backing or external data file; only self-contained images are inspected");
        }

        await ToolRunner.RunAsync(qemuImg, ["convert", "-q", "-f", qemuFormat, "-O", "raw", full, raw], null, ct).ConfigureAwait(false);
    }

    private async Task MountAsync(string image, string raw, ImagePartition partition, string fs, string mountPoint, CancellationToken ct)
    {
        string options = fs switch
        {
            // noload: no journal replay, which would write to the device; nouuid: a reproducible twin may be mounted already.
            "ext4" => "ro,noload,nodev,nosuid",
            "xfs" => "ro,norecovery,nouuid,nodev,nosuid",
            _ => throw new UnsupportedInputException(image, $"{image}: partition {partition.Number} holds {fs}, not ext4 or xfs"),
        };
        var losetup = ToolLookup.Require("losetup", "mount");
        var attached = await ToolRunner.RunAsync(losetup,
            ["--find", "--show", "--read-only", "--offset", partition.StartBytes.ToString(), "--sizelimit", partition.SizeBytes.ToString(), raw], null, CancellationToken.None,
            debianPackage: "mount").ConfigureAwait(false);
        var device = attached.Output.Trim();
        _undo.Push(("detach " + device, () => ToolRunner.RunAsync(losetup, ["--detach", device], null, CancellationToken.None)));
        ct.ThrowIfCancellationRequested();
        await ToolRunner.RunAsync(ToolLookup.Require("mount", "mount"), ["-t", fs, "-o", options, device, mountPoint], null, CancellationToken.None, debianPackage: "mount")
            .ConfigureAwait(false);
        _undo.Push(("unmount " + mountPoint, () => UnmountAsync(mountPoint)));
        ct.ThrowIfCancellationRequested();
    }

    private async Task MountOverlayAsync(string lower, CancellationToken ct)
    {
        var upper = Path.Combine(_scratch.FullName, "upper");
        var work = Path.Combine(_scratch.FullName, "work");
        foreach (var directory in new[] { upper, work, Root })
        {
            Directory.CreateDirectory(directory);
        }

        if (_scratch.FullName.IndexOfAny([',', ':', '\\']) >= 0)
        {
            throw new IOException($"{_scratch.FullName}: the temporary directory's path cannot be given to overlayfs (set TMPDIR to a plain path)");
        }

        await ToolRunner.RunAsync(ToolLookup.Require("mount", "mount"),
            ["-t", "overlay", "-o", $"lowerdir={lower},upperdir={upper},workdir={work},nodev,nosuid", "keel-inspect", Root], null, CancellationToken.None,
            debianPackage: "mount").ConfigureAwait(false);
        _undo.Push(("unmount " + Root, () => UnmountAsync(Root)));
        ct.ThrowIfCancellationRequested();
    }

    private static async Task UnmountAsync(string mountPoint)
    {
        var umount = ToolLookup.Require("umount", "mount");
        var first = await ToolRunner.RunAsync(umount, [mountPoint], null, CancellationToken.None, allowFailure: true).ConfigureAwait(false);
        if (first.ExitCode == 0)
        {
            return;
        }

        // Busy (a reader still has a file open): detach it now; the kernel frees it when the last reader closes.
        await ToolRunner.RunAsync(umount, ["--lazy", mountPoint], null, CancellationToken.None).ConfigureAwait(false);
    }

    private static Task RemoveScratchAsync(DirectoryInfo scratch)
    {
        // Never delete recursively through something still mounted.
        var mounts = File.ReadAllText("/proc/self/mountinfo");
        if (mounts.Contains(" " + scratch.FullName + "/", StringComparison.Ordinal))
        {
            throw new IOException($"{scratch.FullName}: still mounted, left in place");
        }

        scratch.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Undoes everything in reverse order, each step even when an earlier one failed; throws the failures together.</summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        while (_undo.TryPop(out var step))
        {
            try
            {
                await step.Undo().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failures.Add(new IOException($"{step.What}: {e.Message}", e));
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("releasing the inspected image failed", failures);
        }
    }
}
