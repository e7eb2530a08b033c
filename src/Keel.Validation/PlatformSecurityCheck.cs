using System.Text;
using Keel.RpmDb;

namespace Keel.Validation;

/// <summary>
/// Platform settings: SELinux mode and policy (and, in the running machine, the policy the kernel has loaded), /boot
/// and the ESP not writable by ordinary users, and the firmware's Secure Boot state (reported, never failed).
/// </summary>
internal static class PlatformSecurityCheck
{
    public const string SelinuxModeId = "selinux.mode";
    public const string SelinuxPolicyId = "selinux.policy";
    public const string BootId = "boot.permissions";
    public const string SecureBootId = "secureboot";

    /// <summary>The SecureBoot variable of the EFI global-variable GUID.</summary>
    public const string SecureBootVariable = "firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

    public static IEnumerable<ValidationResult> Run(ConfinedRoot root, IReadOnlyList<InstalledPackage>? installed, ValidationOptions options)
    {
        foreach (var line in Selinux(root, installed, options))
        {
            yield return line;
        }

        foreach (var dir in new[] { "/boot", "/boot/efi", "/efi" })
        {
            if (BootLine(root, dir) is { } line)
            {
                yield return line;
            }
        }

        yield return SecureBoot(options);
    }

    private static IEnumerable<ValidationResult> Selinux(ConfinedRoot root, IReadOnlyList<InstalledPackage>? installed, ValidationOptions options)
    {
        var policyPackage = installed?.FirstOrDefault(p => p.Metadata.Name.StartsWith("selinux-policy-", StringComparison.Ordinal));
        var config = root.ReadAllBytes("etc/selinux/config");
        if (config is null)
        {
            yield return policyPackage is null
                ? new ValidationResult(SelinuxModeId, ValidationStatus.Skip, "/etc/selinux/config", "no SELinux policy installed")
                : new ValidationResult(SelinuxModeId, ValidationStatus.Warn, "/etc/selinux/config", $"missing although {policyPackage.Metadata.Nevra} is installed");
            yield break;
        }

        var fields = ReleaseIdentityCheck.ParseOsRelease(Encoding.UTF8.GetString(config));
        var mode = fields.GetValueOrDefault("SELINUX") ?? "(unset)";
        var type = fields.GetValueOrDefault("SELINUXTYPE") ?? "targeted";
        yield return mode == "enforcing"
            ? new ValidationResult(SelinuxModeId, ValidationStatus.Pass, "/etc/selinux/config", $"SELINUX=enforcing, SELINUXTYPE={type}")
            : new ValidationResult(SelinuxModeId, ValidationStatus.Warn, "/etc/selinux/config", $"SELINUX={mode} (not enforcing), SELINUXTYPE={type}");

        var policies = root.List($"etc/selinux/{type}/policy").Where(n => n.StartsWith("policy.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (policies.Count == 0)
        {
            yield return new ValidationResult(SelinuxPolicyId, mode == "disabled" ? ValidationStatus.Skip : ValidationStatus.Warn, $"/etc/selinux/{type}",
                "no compiled policy installed (policy.NN)");
            yield break;
        }

        var installedPolicy = $"/etc/selinux/{type}/policy/{policies[^1]}";
        if (!options.Running)
        {
            yield return new ValidationResult(SelinuxPolicyId, ValidationStatus.Pass, installedPolicy, "installed (the loaded policy is checked by keel-validate in the running machine)");
            yield break;
        }

        var enforce = ReadSys(options, "fs/selinux/enforce");
        if (enforce is null)
        {
            yield return new ValidationResult(SelinuxPolicyId, ValidationStatus.Warn, installedPolicy, "installed but no policy is loaded (selinuxfs absent)");
            yield break;
        }

        var loadedMode = enforce.Trim() == "1" ? "enforcing" : "permissive";
        yield return loadedMode == mode || mode == "disabled"
            ? new ValidationResult(SelinuxPolicyId, ValidationStatus.Pass, installedPolicy, $"loaded, {loadedMode}")
            : new ValidationResult(SelinuxPolicyId, ValidationStatus.Warn, installedPolicy, $"loaded, {loadedMode}, but the config says {mode}");
    }

    private static ValidationResult? BootLine(ConfinedRoot root, string dir)
    {
        var stat = root.LStat(dir);
        if (stat is not { IsDirectory: true } sb)
        {
            return dir == "/boot" ? new ValidationResult(BootId, ValidationStatus.Skip, dir, "no such directory") : null;
        }

        // Everything directly below too: a writable kernel or loader entry is as bad as a writable directory.
        var problems = new List<string>();
        if (Writable(sb))
        {
            problems.Add($"{dir} is {Describe(sb)}");
        }

        foreach (var name in root.List(dir).Order(StringComparer.Ordinal))
        {
            if (root.LStat($"{dir}/{name}") is { } entry && !entry.IsSymlink && Writable(entry))
            {
                problems.Add($"{dir}/{name} is {Describe(entry)}");
            }
        }

        return problems.Count == 0
            ? new ValidationResult(BootId, ValidationStatus.Pass, dir, $"mode {Convert.ToString(sb.Mode & 0xfff, 8)}, owner uid {sb.Uid}; nothing in it writable by other users")
            : new ValidationResult(BootId, ValidationStatus.Fail, dir, string.Join("; ", problems.Take(5)) + (problems.Count > 5 ? $"; and {problems.Count - 5} more" : string.Empty));
    }

    // Writable by anyone but root: group or other write bits, or a non-root owner.
    private static bool Writable(UnixStat s) => (s.Mode & 0x12) != 0 || s.Uid != 0;

    private static string Describe(UnixStat s) =>
        $"mode {Convert.ToString(s.Mode & 0xfff, 8)} owned by uid {s.Uid}, writable by {((s.Mode & 0x2) != 0 ? "everyone" : (s.Mode & 0x10) != 0 ? $"group {s.Gid}" : $"uid {s.Uid}")}";

    private static ValidationResult SecureBoot(ValidationOptions options)
    {
        if (!options.Running)
        {
            return new ValidationResult(SecureBootId, ValidationStatus.Skip, string.Empty, "firmware state is known only in the running machine (keel-validate)");
        }

        var path = Path.Combine(options.SysDirectory, SecureBootVariable);
        byte[] value;
        try
        {
            value = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ValidationResult(SecureBootId, ValidationStatus.Skip, string.Empty, Directory.Exists(Path.Combine(options.SysDirectory, "firmware/efi"))
                ? "EFI firmware without a SecureBoot variable (Secure Boot not supported)"
                : "not booted with EFI firmware");
        }

        // efivarfs: 4 bytes of attributes, then the 1-byte value.
        return value.Length >= 5 && value[4] == 1
            ? new ValidationResult(SecureBootId, ValidationStatus.Pass, string.Empty, "enabled")
            : new ValidationResult(SecureBootId, ValidationStatus.Warn, string.Empty, "disabled (reported, not failed)");
    }

    private static string? ReadSys(ValidationOptions options, string relative)
    {
        try
        {
            return File.ReadAllText(Path.Combine(options.SysDirectory, relative));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
