using System.Diagnostics;
using System.Security.Cryptography;
using Keel.Processes;

namespace Keel.VirtualMachines;

/// <summary>
/// Boots a disk image or installer media under qemu (UEFI, TCG, no network unless forwards are asked for, serial
/// console) and watches its console.
/// Everything a run creates lives in one private directory that is removed afterwards, and qemu is
/// stopped on every way out: expected text seen, timeout, cancellation or an exception.
/// </summary>
public sealed class VirtualMachineRunner
{
    private readonly HostTools _tools;

    public VirtualMachineRunner(HostTools? tools = null)
    {
        _tools = tools ?? new HostTools();
    }

    /// <summary>Runs the machine described by <paramref name="options"/>, streaming its console to <paramref name="console"/>.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled; qemu has been stopped and the run's files removed.</exception>
    public async Task<VmRunResult> RunAsync(VmRunOptions options, TextWriter? console, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var inputs = VmInputs.Check(options);

        // Check every tool before anything is created, so a missing one costs nothing to clean up.
        var (emulator, emulatorPackage) = QemuMachine.Emulator(options.Architecture);
        var qemu = options.Architecture == VmArchitecture.X86_64
            ? _tools.Require(emulator, emulatorPackage)
            : _tools.Find(emulator) ?? throw new NotSupportedException($"--arch aarch64: {emulator} not found (install the Debian packages {emulatorPackage} and qemu-efi-aarch64)");
        var firmware = UefiFirmware.Locate(options.Architecture, options.FirmwarePath);
        CheckKeptVariableStore(inputs.FirmwareVars, firmware);
        var setsid = _tools.Require("setsid", "util-linux");
        var qemuImg = options.Keep || inputs.Image is null ? null : _tools.Require("qemu-img", "qemu-utils");
        if (options.SeedDirectory is not null)
        {
            _tools.Require("mkfs.vfat", "dosfstools");
            _tools.Require("mcopy", "mtools");
        }

        var workDir = CreateWorkDirectory(options.TempRoot);
        try
        {
            var bootDisk = inputs.Image?.Path;
            var bootFormat = inputs.Image?.Format ?? DiskImageFormat.Raw;
            if (qemuImg is not null && inputs.Image is { } image)
            {
                bootDisk = Path.Combine(workDir, "overlay.qcow2");
                bootFormat = DiskImageFormat.Qcow2;
                await ToolRunner.RunAsync(qemuImg, ["create", "-q", "-f", "qcow2", "-F", image.Format.QemuName(), "-b", image.Path, bootDisk], null, cancellationToken).ConfigureAwait(false);
            }

            string? vars = null;
            if (inputs.FirmwareVars is { } kept)
            {
                // The caller's store, used in place so the boot entries the guest writes are there next time.
                if (!File.Exists(kept))
                {
                    File.Copy(firmware.VarsTemplate!, kept);
                    File.SetUnixFileMode(kept, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                vars = kept;
            }
            else if (firmware.VarsTemplate is not null)
            {
                vars = Path.Combine(workDir, "firmware-vars.fd");
                File.Copy(firmware.VarsTemplate, vars);
                File.SetUnixFileMode(vars, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            string? seed = null;
            if (options.SeedDirectory is not null)
            {
                seed = Path.Combine(workDir, "seed.img");
                await SeedImage.CreateAsync(options.SeedDirectory, seed, _tools, cancellationToken).ConfigureAwait(false);
            }

            var machine = new QemuMachine(options.Architecture, firmware, vars, bootDisk, bootFormat, seed, options.MemoryMiB)
            {
                Cdrom = inputs.Cdrom,
                Usb = inputs.Usb,
                UsbWritable = options.UsbWritable,
                Disks = inputs.Disks,
                GuestForwards = options.GuestForwards,
                HostForwards = options.HostForwards,
            };
            return await BootAsync(setsid, qemu, machine, options, console, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static async Task<VmRunResult> BootAsync(string setsid, string qemu, QemuMachine machine, VmRunOptions options, TextWriter? console, CancellationToken cancellationToken)
    {
        var monitor = new ConsoleMonitor(console, options.Expect);
        var clock = Stopwatch.StartNew();
        await using var process = QemuProcess.Start(setsid, qemu, machine.Arguments(), options.Interactive ? null : monitor);

        var limit = options.Timeout is { } t ? Task.Delay(t, cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);
        // Yielding keeps the shutdown off the thread that completed the wait: a Ctrl-C handler
        // that cancels must not end up running qemu's whole shutdown inside its Cancel() call.
        await Task.WhenAny(monitor.ExpectedTextSeen, process.Exited, limit).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        cancellationToken.ThrowIfCancellationRequested();

        // When the text and the exit arrive together, the text wins: the guest did what was asked.
        var outcome = monitor.ExpectedTextSeen.IsCompleted ? VmRunOutcome.ExpectedTextSeen
            : process.Exited.IsCompleted ? VmRunOutcome.QemuExited
            : VmRunOutcome.TimedOut;
        if (outcome == VmRunOutcome.QemuExited)
        {
            await process.Exited.ConfigureAwait(false);
        }

        return new VmRunResult(outcome, outcome == VmRunOutcome.QemuExited ? process.ExitCode : null, clock.Elapsed, monitor.LastLines(), process.ErrorLines());
    }

    /// <summary>A kept variable store must belong to a split firmware and, if it exists already, have the template's size (qemu maps it as flash).</summary>
    private static void CheckKeptVariableStore(string? path, UefiFirmware firmware)
    {
        if (path is null)
        {
            return;
        }

        if (firmware.VarsTemplate is null)
        {
            throw new ArgumentException($"--firmware-vars: the firmware {firmware.Code} is a combined image without a separate variable store");
        }

        if (File.Exists(path) && new FileInfo(path).Length is var size && size != new FileInfo(firmware.VarsTemplate).Length)
        {
            throw new InvalidDataException($"--firmware-vars {path}: {size} bytes, but the firmware's variable store {firmware.VarsTemplate} has {new FileInfo(firmware.VarsTemplate).Length}; not a store for this firmware");
        }
    }

    private static string CreateWorkDirectory(string? root)
    {
        root = Path.GetFullPath(root ?? Path.GetTempPath());
        var path = Path.Combine(root, "keel-vm-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
