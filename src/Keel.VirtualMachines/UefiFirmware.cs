namespace Keel.VirtualMachines;

/// <summary>A UEFI firmware for qemu: the read-only code image and, for split builds, the template of its variable store.</summary>
/// <param name="Code">The firmware code (or a single combined image when <paramref name="VarsTemplate"/> is null).</param>
/// <param name="VarsTemplate">The pristine variable store; every run boots with its own copy.</param>
public sealed record UefiFirmware(string Code, string? VarsTemplate)
{
    private const string OvmfDir = "/usr/share/OVMF";
    private const string AavmfDir = "/usr/share/AAVMF";

    /// <summary>Debian's firmware for <paramref name="architecture"/>, or the one at <paramref name="codePath"/> with its VARS file beside it.</summary>
    public static UefiFirmware Locate(VmArchitecture architecture, string? codePath = null)
    {
        if (codePath is not null)
        {
            return FromPath(codePath);
        }

        return architecture switch
        {
            VmArchitecture.X86_64 => Packaged(Path.Combine(OvmfDir, "OVMF_CODE_4M.fd"), Path.Combine(OvmfDir, "OVMF_VARS_4M.fd"), "ovmf", architecture),
            VmArchitecture.Aarch64 => Packaged(Path.Combine(AavmfDir, "AAVMF_CODE.fd"), Path.Combine(AavmfDir, "AAVMF_VARS.fd"), "qemu-efi-aarch64", architecture),
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
        };
    }

    private static UefiFirmware Packaged(string code, string vars, string package, VmArchitecture architecture)
    {
        foreach (var file in new[] { code, vars })
        {
            if (!File.Exists(file))
            {
                var message = $"{file}: UEFI firmware not found (install the Debian package {package})";
                throw architecture == VmArchitecture.X86_64 ? new FileNotFoundException(message) : new NotSupportedException(message);
            }
        }

        return new UefiFirmware(code, vars);
    }

    // A split build names its variable store like its code (OVMF_CODE_4M.fd → OVMF_VARS_4M.fd);
    // without one the file is a combined image and is loaded with -bios.
    private static UefiFirmware FromPath(string codePath)
    {
        var code = Path.GetFullPath(codePath);
        if (!File.Exists(code))
        {
            throw new FileNotFoundException($"{codePath}: firmware file not found");
        }

        var name = Path.GetFileName(code);
        if (name.Contains("CODE", StringComparison.Ordinal))
        {
            var vars = Path.Combine(Path.GetDirectoryName(code)!, name.Replace("CODE", "VARS", StringComparison.Ordinal));
            if (!File.Exists(vars))
            {
                throw new FileNotFoundException($"{codePath}: firmware variable store {vars} not found beside it");
            }

            return new UefiFirmware(code, vars);
        }

        return new UefiFirmware(code, null);
    }
}
