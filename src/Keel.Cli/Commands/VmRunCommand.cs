using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Keel.Errors;
using Keel.VirtualMachines;

namespace Keel.Cli.Commands;

/// <summary>`keel vm run [IMAGE]`: boot an image (throwaway overlay) or installer media under qemu and watch its serial console.</summary>
internal static class VmRunCommand
{
    /// <summary>With --expect and no --timeout a boot that hangs must still end.</summary>
    private const int DefaultExpectTimeoutSeconds = 300;

    public static Command Create()
    {
        var image = new Argument<string?>("IMAGE")
        {
            Description = "Disk image to boot, the first disk: raw (GPT/MBR), qcow2, VHD or VHDX, detected by content. Optional with --cdrom or --usb.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var cdrom = new Option<string>("--cdrom") { HelpName = "ISO", Description = "ISO image on a read-only CD-ROM drive (AHCI)." };
        var usb = new Option<string>("--usb") { HelpName = "IMAGE", Description = "Disk image (e.g. a hybrid ISO) on a USB stick (xHCI, usb-storage), read-only unless --usb-writable." };
        var usbWritable = new Option<bool>("--usb-writable") { Description = "Let the guest write to the --usb image, in place." };
        var disk = new Option<string[]>("--disk")
        {
            HelpName = "FILE",
            Description = "Extra virtio disk, written IN PLACE (no overlay): a target to install onto. Raw or qcow2, by content; serial keel-diskN. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var seed = new Option<string>("--seed") { HelpName = "DIR", Description = "Directory with NoCloud files (meta-data, user-data, ...), attached as a 'cidata' disk." };
        var timeout = new Option<int?>("--timeout") { HelpName = "S", Description = $"Seconds before the machine is stopped and the run fails; 0 for no limit. Default: {DefaultExpectTimeoutSeconds} with --expect, none without." };
        var expect = new Option<string>("--expect") { HelpName = "TEXT", Description = "Succeed and stop the machine as soon as this text appears on the console." };
        var keep = new Option<bool>("--keep") { Description = "Boot IMAGE itself so the guest's writes persist (default: a throwaway overlay)." };
        var memory = new Option<int>("--memory") { HelpName = "MiB", Description = "Guest memory in MiB (an installer medium needs 2048).", DefaultValueFactory = _ => VmRunOptions.DefaultMemoryMiB };
        var firmware = new Option<string>("--firmware") { HelpName = "PATH", Description = "UEFI firmware code file (its *VARS* file beside it is the variable store's template). Default: Debian's OVMF/AAVMF." };
        var firmwareVars = new Option<string>("--firmware-vars") { HelpName = "FILE", Description = "Keep the firmware's variable store (boot entries) in this file across runs; made from the template if missing. Default: a fresh copy per run." };
        var guestfwd = new Option<string[]>("--guestfwd")
        {
            HelpName = "GUESTADDR:PORT=HOSTADDR:PORT",
            Description = "Turn on qemu's user network, restricted (DHCP, no route out), and carry the guest's TCP connections to GUESTADDR:PORT to the host's HOSTADDR:PORT. Repeatable. Example: 10.0.2.100:80=127.0.0.1:8080.",
            AllowMultipleArgumentsPerToken = false,
        };
        var hostfwd = new Option<string[]>("--hostfwd")
        {
            HelpName = "HOSTADDR:PORT=GUESTPORT",
            Description = "Turn on qemu's user network, restricted as with --guestfwd, and carry TCP connections to the host's HOSTADDR:PORT to the guest's GUESTPORT. Repeatable. Example: 127.0.0.1:2222=22 (ssh -p 2222 user@127.0.0.1).",
            AllowMultipleArgumentsPerToken = false,
        };
        var interactive = new Option<bool>("--interactive")
        {
            Description = "Give the guest's serial console this terminal: keystrokes go to the guest, its output comes straight back (qemu sets the terminal raw). Not with --expect; Ctrl-C stops the machine.",
        };
        var arch = new Option<string>("--arch") { Description = "Guest architecture.", DefaultValueFactory = _ => "x86_64" };
        arch.AcceptOnlyFromAmong("x86_64", "aarch64");
        var cmd = new Command(
            "run",
            "Boot a disk image or installer media under qemu (UEFI firmware, TCG emulation, no network unless --guestfwd or --hostfwd) with the serial console on stdout. " +
            "IMAGE is not modified unless --keep: the guest writes to a temporary overlay that is discarded; --disk files are written in place. " +
            "qemu is always stopped and temporary files removed, also on timeout and Ctrl-C.\n\n" +
            "Exit codes: 0 the --expect text appeared (or, without --expect, qemu exited with status 0); 1 timeout, " +
            "qemu exited before the text appeared, or bad input; 130 interrupted.\n\n" +
            "Examples: keel vm run disk.raw --seed ./seed --expect 'login:' --timeout 120\n" +
            "          keel vm run --cdrom installer.iso --disk target.raw --memory 2048 --firmware-vars vars.fd\n" +
            "          keel vm run target.raw --keep --hostfwd 127.0.0.1:2222=22 --interactive")
        {
            image, cdrom, usb, usbWritable, disk, seed, timeout, expect, keep, memory, firmware, firmwareVars, guestfwd, hostfwd, interactive, arch,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("keel vm run needs a Linux host");
            }

            var expectText = parse.GetValue(expect);
            var seconds = parse.GetValue(timeout) ?? (expectText is null ? 0 : DefaultExpectTimeoutSeconds);
            if (seconds < 0)
            {
                throw new ArgumentException($"--timeout {seconds}: must not be negative");
            }

            var options = new VmRunOptions
            {
                ImagePath = parse.GetValue(image),
                CdromPath = parse.GetValue(cdrom),
                UsbPath = parse.GetValue(usb),
                UsbWritable = parse.GetValue(usbWritable),
                Disks = parse.GetValue(disk) ?? [],
                FirmwareVarsPath = parse.GetValue(firmwareVars),
                GuestForwards = (parse.GetValue(guestfwd) ?? []).Select(GuestForward.Parse).ToList(),
                HostForwards = (parse.GetValue(hostfwd) ?? []).Select(HostForward.Parse).ToList(),
                Interactive = parse.GetValue(interactive),
                SeedDirectory = parse.GetValue(seed),
                Timeout = seconds == 0 ? null : TimeSpan.FromSeconds(seconds),
                Expect = expectText,
                Keep = parse.GetValue(keep),
                MemoryMiB = parse.GetValue(memory),
                FirmwarePath = parse.GetValue(firmware),
                Architecture = parse.GetValue(arch) == "aarch64" ? VmArchitecture.Aarch64 : VmArchitecture.X86_64,
            };
            return await RunAsync(options, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return cmd;
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> RunAsync(VmRunOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        // On its terminal the machine must not outlive a closed window (or a killed tmux session): a hang-up stops it
        // like Ctrl-C, since qemu runs in a session of its own and never sees the hang-up itself.
        using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sighup = options.Interactive ? PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            hangUp.Cancel();
        }) : null;
        ct = hangUp.Token;
        var result = await new VirtualMachineRunner().RunAsync(options, options.Interactive ? null : output, ct).ConfigureAwait(false);
        var what = options.ImagePath ?? options.CdromPath ?? options.UsbPath;
        var elapsed = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        // The console may stop mid-line; diagnostics start on a line of their own.
        await output.FlushAsync(ct).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case VmRunOutcome.ExpectedTextSeen:
                await error.WriteLineAsync($"\nkeel: '{options.Expect}' appeared after {elapsed} s; machine stopped").ConfigureAwait(false);
                return ExitCodes.Ok;
            case VmRunOutcome.QemuExited when options.Expect is null && result.QemuExitCode == 0:
                return ExitCodes.Ok;
            case VmRunOutcome.QemuExited:
                var why = options.Expect is null ? "" : $" before '{options.Expect}' appeared";
                var qemuSaid = result.QemuErrorLines.LastOrDefault(l => l.Trim().Length > 0);
                await error.WriteLineAsync($"\nkeel: {what}: qemu exited with status {result.QemuExitCode}{why} after {elapsed} s{(qemuSaid is null ? "" : ": " + qemuSaid.Trim())}").ConfigureAwait(false);
                await WriteLastLinesAsync(error, result).ConfigureAwait(false);
                return ExitCodes.Failed;
            default:
                var state = options.Expect is null ? "machine still running" : $"'{options.Expect}' did not appear";
                await error.WriteLineAsync($"\nkeel: {what}: timed out: {state} after {options.Timeout!.Value.TotalSeconds:0} s; machine stopped").ConfigureAwait(false);
                await WriteLastLinesAsync(error, result).ConfigureAwait(false);
                return ExitCodes.Failed;
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task WriteLastLinesAsync(TextWriter error, VmRunResult result)
    {
        if (result.LastConsoleLines.Count == 0)
        {
            await error.WriteLineAsync("keel: the console stayed silent").ConfigureAwait(false);
            return;
        }

        await error.WriteLineAsync("keel: last console lines:").ConfigureAwait(false);
        foreach (var line in result.LastConsoleLines)
        {
            await error.WriteLineAsync("  | " + line).ConfigureAwait(false);
        }
    }
}
