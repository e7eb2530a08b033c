using Keel.Config.Loading;
using Keel.Config.Model;
using Keel.Config.Presets;
using Keel.Config.Validation;

namespace Keel.Config.Planning;

/// <summary>Turns a validated config and a target into the ordered steps the engine runs, touching nothing.</summary>
public static class Planner
{
    /// <summary>Suffix of the temporary image; it is renamed to the output only when complete.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>
    /// Every step id, in the order the engine runs them; ids are stable (they are progress phase ids), steps that do not
    /// apply are left out. The tree is built in a staging directory first and the filesystems are made from it last
    /// (mkfs -d, mtools), so nothing is ever mounted.
    /// </summary>
    public static readonly IReadOnlyList<string> StepIds =
    [
        "storage.check",
        "packages.resolve", "packages.download", "packages.install",
        "system.hostname", "system.locale", "system.keyboard", "system.timezone", "system.users", "system.ssh",
        "system.selinux", "system.files", "system.services", "system.repositories", "system.fstab", "system.machine-id",
        "boot.install",
        "storage.partition", "storage.encrypt", "storage.format",
        "finalize.cleanup", "output.convert",
    ];

    /// <summary>Builds the plan; throws InvalidDataException when the layout does not fit the target.</summary>
    public static Plan Build(LoadedConfig loaded, PackageRequest request, PlanTarget target)
    {
        var config = loaded.Config;
        bool image = target.Kind == PlanTargetKind.Image;
        string work = image ? target.Path + PartialSuffix : target.Path;
        var placed = LayoutCalculator.Place(config.Storage.EffectivePartitions(), target.SizeBytes, target.Path, config.Arch, config.Storage.Encryption is not null)
            .Select(p => image ? p with { Device = $"{work} partition {p.Number}" } : p).ToList();
        var hostKeys = config.Ssh.HostKeys ?? (image ? HostKeyGeneration.FirstBoot : HostKeyGeneration.Install);
        var steps = new List<PlanStep>();
        var messages = request.Mappings.Select(m => new PlanMessage("info", $"{m.Path}: '{m.Requested}' is named '{m.Name}' in {config.Distribution}; requesting '{m.Name}'")).ToList();
        if (config.Repositories.Count == 0)
        {
            messages.Add(new PlanMessage("warning", "no repositories in the config: the build needs --repo"));
        }

        void Step(string id, string title, IEnumerable<string> details, IEnumerable<DestructiveOperation>? destructive = null) =>
            steps.Add(new PlanStep(id, title, details.ToList(), (destructive ?? []).ToList()));

        string size = ByteSize.Format(target.SizeBytes);
        if (image)
        {
            Step("storage.check", "Check the output", [$"write {work} ({size}, sparse) in {Path.GetDirectoryName(Path.GetFullPath(target.Path))}"],
                [new DestructiveOperation(DestructiveKind.CreateFile, work, $"create {work} ({size}); it replaces {target.Path} only when complete", target.SizeBytes)]);
        }
        else
        {
            Step("storage.check", "Check the device",
                [$"{target.Path} ({size}) must not be mounted, in use, hold the running system or the install medium, or be smaller than the layout"]);
        }

        Step("packages.resolve", "Resolve packages",
        [
            $"preset '{request.Preset.Name}' ({request.PresetFile}): {request.Preset.Packages.Count} packages",
            $"include: {Join(config.Packages.Include)}; exclude: {Join(config.Packages.Exclude)}",
            .. request.Mappings.Select(m => $"'{m.Requested}' is named '{m.Name}' in {config.Distribution}"),
            .. config.Repositories.Select(r => $"repository {r.Id}: {(r.Baseurl ?? loaded.Resolve(r.Path!))} (gpgcheck {(r.Gpgcheck ? "on" : "off")}, priority {r.Priority})"),
            $"architecture {ConfigNames.EnumValue(config.Arch)}",
        ]);
        Step("packages.download", "Download and verify packages", ["into the package cache; signatures checked against each repository's keys where gpgcheck is on"]);
        Step("packages.install", "Install packages", [$"rpm --root <target> of the resolved set ({request.Install.Count} requested and their dependencies); scriptlets run in the target"]);

        Step("system.hostname", "Set the hostname", [config.Hostname is null ? "/etc/hostname left unwritten (DHCP or cloud-init names the machine)" : $"/etc/hostname: {config.Hostname}"]);
        Step("system.locale", "Set the locale", [$"/etc/locale.conf: LANG={config.Locale}"]);
        Step("system.keyboard", "Set the console keymap", [$"/etc/vconsole.conf: KEYMAP={config.Keyboard}"]);
        Step("system.timezone", "Set the time zone", [$"/etc/localtime -> ../usr/share/zoneinfo/{config.Timezone}"]);
        Step("system.users", "Create groups and users",
        [
            .. config.Groups.Select(g => $"group {g.Name}{(g.Gid is null ? "" : $" (gid {g.Gid})")}"),
            .. config.Users.Select(u => $"user {u.Name}: {(u.PasswordHash is not null ? "password set" : "password locked")}, groups [{string.Join(", ", u.Sudo ? u.Groups.Append("wheel").Distinct() : u.Groups)}], {u.SshAuthorizedKeys.Count} SSH key(s)"),
            config.Users.Any(u => u.Name == "root") ? "root as configured" : "root password locked",
        ]);
        Step("system.ssh", "Configure the SSH server",
        [
            $"PermitRootLogin {ConfigNames.EnumValue(config.Ssh.PermitRootLogin)}, PasswordAuthentication {(config.Ssh.PasswordAuthentication ? "yes" : "no")}",
            hostKeys == HostKeyGeneration.Install ? "host keys generated now" : "host keys generated on first boot",
        ]);
        Step("system.selinux", "Set the SELinux mode",
            [$"/etc/selinux/config: SELINUX={ConfigNames.EnumValue(config.Selinux)}", config.Selinux == SelinuxMode.Disabled ? "no relabel" : "relabel the tree when the policy is installed"]);
        Step("system.files", "Write files", config.Files.Select(f => $"{f.Path} (mode {f.Mode}, owner {f.Owner}, {f.Content.Length} characters)"));
        Step("system.services", "Enable and disable services", [$"enable: {Join(config.Services.Enable)}; disable: {Join(config.Services.Disable)}; the rest per the distribution's presets"]);
        var repos = request.Preset.SystemRepositories.Concat(config.SystemRepositories).ToList();
        Step("system.repositories", "Write repository files", repos.Select(r => $"{r.File ?? $"/etc/yum.repos.d/{r.Id}.repo"}: [{r.Id}] {r.Baseurl}"));
        Step("system.fstab", "Write /etc/fstab", placed.Where(p => p.Role != "esp" || p.MountPoint is not null).Select(p => $"UUID of partition {p.Number} -> {p.MountPoint ?? "swap"}"));
        Step("system.machine-id", "Prepare machine-id", [image ? "empty /etc/machine-id: set on first boot" : "generate /etc/machine-id"]);

        var efi = config.Arch == MachineArchitecture.Aarch64 ? "BOOTAA64.EFI" : "BOOTX64.EFI";
        var cmdline = $"root=UUID=<root> ro{(config.Selinux == SelinuxMode.Disabled ? " selinux=0" : "")} {config.KernelCommandLine}".TrimEnd();
        Step("boot.install", "Install the boot loader",
        [
            config.Bootloader == BootloaderType.SystemdBoot ? "systemd-boot with a unified kernel image (UKI) on the ESP" : "grub2 with shim on the ESP",
            $"removable-media fallback EFI/BOOT/{efi}",
            $"kernel command line: {cmdline}",
        ]);
        Step("storage.partition", "Partition (GPT)",
            placed.Select(p => $"partition {p.Number} '{p.Label}' ({p.Role}, {p.Filesystem}{(p.MountPoint is null ? "" : " at " + p.MountPoint)}): {ByteSize.Format(p.SizeBytes)} from {ByteSize.Format(p.StartBytes)}{(p.Grows ? ", grows" : "")}"),
            [
                new DestructiveOperation(DestructiveKind.WipeDevice, work,
                    image ? $"write a new GPT to {work}" : $"erase the partition table and signatures of {target.Path}: every partition and all data on it are lost", target.SizeBytes),
                .. placed.Select(p => new DestructiveOperation(DestructiveKind.CreatePartition, p.Device, $"create partition {p.Number} '{p.Label}' type {p.TypeGuid}", p.SizeBytes)),
            ]);
        if (config.Storage.Encryption is { } enc)
        {
            var root = placed.First(p => p.Encrypted);
            Step("storage.encrypt", "Encrypt the root partition (LUKS2)",
                [enc.KeyFile is not null ? $"key from {loaded.Resolve(enc.KeyFile)}" : "key from the config's passphrase", image ? "the volume key is generated on first boot, inside the machine" : "the volume key is generated now"],
                [new DestructiveOperation(DestructiveKind.Encrypt, root.Device, $"format {root.Device} as LUKS2: its contents are erased", root.SizeBytes)]);
        }

        Step("storage.format", "Make filesystems",
            placed.Select(p => $"{(p.Filesystem == "swap" ? "mkswap" : "mkfs." + p.Filesystem)} on partition {p.Number} (label '{p.Label}'{(p.Encrypted ? ", inside LUKS2" : "")}){(p.MountPoint is null ? "" : ", filled with the tree of " + p.MountPoint)}"),
            placed.Select(p => new DestructiveOperation(DestructiveKind.Format, p.Device, $"make {p.Filesystem} on {p.Device}: its contents are erased", p.SizeBytes)));

        Step("finalize.cleanup", "Release and clean up", ["remove the staging tree; end every process the engine started (also on failure)"]);
        if (image)
        {
            var format = ConfigNames.EnumValue(target.Format ?? ImageFormat.Raw);
            Step("output.convert", "Write the output",
                [$"convert to {format}", $"rename {work} to {target.Path}", config.Seed is null ? "UUIDs random" : "UUIDs derived from the seed"],
                [new DestructiveOperation(DestructiveKind.ReplaceFile, target.Path, File.Exists(target.Path) ? $"replace the existing {target.Path}" : $"create {target.Path}")]);
        }

        return new Plan(loaded.Source, target, config.Distribution, request.Preset.Name, ConfigNames.EnumValue(config.Arch), placed, request.Install, messages, steps);
    }

    /// <summary>The image format for an output path: the config's, else the extension's, else raw.</summary>
    public static ImageFormat FormatFor(string output, ImageFormat? configured) => configured ?? Path.GetExtension(output).ToLowerInvariant() switch
    {
        ".qcow2" => ImageFormat.Qcow2,
        ".vhd" => ImageFormat.Vhd,
        ".vhdx" => ImageFormat.Vhdx,
        _ => ImageFormat.Raw,
    };

    private static string Join(List<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
}
