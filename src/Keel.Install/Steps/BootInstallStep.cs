using Keel.Config.Model;
using Keel.Install.Boot;
using Keel.Install.Planning;
using Keel.Install.Storage;

namespace Keel.Install.Steps;

/// <summary>boot.install: initramfs by the target's dracut, a unified kernel image and systemd-boot on the ESP tree.</summary>
public sealed class BootInstallStep() : InstallStep("boot.install", "Install the boot loader")
{
    public override IEnumerable<string> Details(PlanningContext plan)
    {
        var config = plan.Config;
        var efi = config.Arch == MachineArchitecture.Aarch64 ? "BOOTAA64.EFI" : "BOOTX64.EFI";
        var cmdline = $"root=UUID=<root> ro{(config.Selinux == SelinuxMode.Disabled ? " selinux=0" : "")} {config.KernelCommandLine}".TrimEnd();
        return
        [
            config.Bootloader == BootloaderType.SystemdBoot ? "systemd-boot with a unified kernel image (UKI) on the ESP" : "grub2 with shim on the ESP",
            $"removable-media fallback EFI/BOOT/{efi}",
            $"kernel command line: {cmdline}",
        ];
    }

    public override async Task RunAsync(InstallRun run, CancellationToken cancellationToken)
    {
        var root = run.Root;
        var rootFs = run.Layout.Root.Filesystem;
        var boot = new BootSettings(rootFs.Uuid, rootFs.Type, run.Plan.Settings.EspMountPoint, run.Options.SourceDateEpoch);
        var work = run.Work!.Path;
        string uki;
        if (RootEncryption.For(run.Loaded, run.Layout) is not { } encryption)
        {
            uki = await BootLoaderStep.RunAsync(root, run.Config, boot, work, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A key file goes into the initramfs only: staged for dracut, removed from the tree right after (also on failure).
            // A passphrase goes nowhere: the initramfs asks for it.
            encryption.Prepare(root);
            boot = boot with
            {
                KernelArguments = encryption.KernelArguments(run.Plan.Target.Kind != PlanTargetKind.Device),
                InitramfsIncludes = encryption.InitramfsIncludes,
            };
            try
            {
                uki = await BootLoaderStep.RunAsync(root, run.Config, boot, work, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                RootEncryption.RemoveStagedKey(root);
            }
        }

        run.KernelCommandLine = BootLoaderStep.CommandLine(run.Config, boot);
        run.Report($"systemd-boot and {uki}; kernel command line: {run.KernelCommandLine}");
    }
}
