namespace Keel.Config.Model;

/// <summary>The document kind; keel/v1 has one.</summary>
public enum MachineKind
{
    [ConfigValue("Machine")] Machine,
}

/// <summary>The target machine's CPU architecture.</summary>
public enum MachineArchitecture
{
    [ConfigValue("x86_64")] X86_64,
    [ConfigValue("aarch64")] Aarch64,
}

/// <summary>A partition's filesystem (or swap).</summary>
public enum FilesystemType
{
    [ConfigValue("ext4")] Ext4,
    [ConfigValue("xfs")] Xfs,
    [ConfigValue("vfat")] Vfat,
    [ConfigValue("swap")] Swap,
}

/// <summary>The UEFI boot loader installed on the ESP.</summary>
public enum BootloaderType
{
    [ConfigValue("systemd-boot")] SystemdBoot,
    [ConfigValue("grub2")] Grub2,
}

/// <summary>The SELinux mode written to /etc/selinux/config and the kernel command line.</summary>
public enum SelinuxMode
{
    [ConfigValue("enforcing")] Enforcing,
    [ConfigValue("permissive")] Permissive,
    [ConfigValue("disabled")] Disabled,
}

/// <summary>sshd's PermitRootLogin.</summary>
public enum PermitRootLogin
{
    [ConfigValue("no")] No,
    [ConfigValue("prohibit-password")] ProhibitPassword,
    [ConfigValue("yes")] Yes,
}

/// <summary>When the SSH host keys are generated.</summary>
public enum HostKeyGeneration
{
    [ConfigValue("install")] Install,
    [ConfigValue("first-boot")] FirstBoot,
}

/// <summary>The disk encryption format.</summary>
public enum EncryptionType
{
    [ConfigValue("luks2")] Luks2,
}

/// <summary>The disk image format written by `keel build`.</summary>
public enum ImageFormat
{
    [ConfigValue("raw")] Raw,
    [ConfigValue("qcow2")] Qcow2,
    [ConfigValue("vhd")] Vhd,
    [ConfigValue("vhdx")] Vhdx,
}

/// <summary>The kind of a medium document.</summary>
public enum MediumKind
{
    [ConfigValue("Medium")] Medium,
}

/// <summary>What the machine does after an install from the medium.</summary>
public enum InstallAfter
{
    [ConfigValue("reboot")] Reboot,
    [ConfigValue("poweroff")] Poweroff,
    [ConfigValue("none")] None,
}

/// <summary>How a medium stores its live root.</summary>
public enum LiveRootFormat
{
    [ConfigValue("squashfs")] Squashfs,
    [ConfigValue("erofs")] Erofs,
    [ConfigValue("initramfs")] Initramfs,
}
