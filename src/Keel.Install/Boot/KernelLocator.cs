using Keel.Packaging;
using Keel.TargetSystem;

namespace Keel.Install.Boot;

/// <summary>A kernel installed in the target: its version directory under /usr/lib/modules and the image in it.</summary>
public sealed record InstalledKernel(string Version, string ImagePath);

/// <summary>Finds the kernel the machine boots: the newest /usr/lib/modules/VERSION/vmlinuz, as kernel-install looks for it.</summary>
public static class KernelLocator
{
    /// <summary>The newest kernel by rpm version order; throws InvalidDataException when the target holds none.</summary>
    public static InstalledKernel Find(TargetRoot root)
    {
        var modules = root.Resolve("/usr/lib/modules");
        var kernels = Directory.Exists(modules)
            ? Directory.EnumerateDirectories(modules)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(v => File.Exists(root.Resolve($"/usr/lib/modules/{v}/vmlinuz")))
                .ToList()
            : [];
        if (kernels.Count == 0)
        {
            throw new InvalidDataException("boot.install: the target has no kernel (/usr/lib/modules/*/vmlinuz); add a kernel package to the config");
        }

        var newest = kernels.Aggregate((a, b) => RpmVersion.Compare(a, b) >= 0 ? a : b);
        return new InstalledKernel(newest, root.Resolve($"/usr/lib/modules/{newest}/vmlinuz"));
    }
}
