using System.Diagnostics;
using Keel.Config.Loading;
using Keel.Config.Presets;
using Keel.Packaging;
using Keel.Tests;

namespace Keel.Install.Tests;

/// <summary>The fixture config, scratch directories and a way to ask the real rpm about a root.</summary>
internal static class InstallFixtures
{
    public static string ContainerHostConfig => Path.Combine(TestPaths.RepoRoot, "examples", "fixture", "container-host.yaml");

    public static LoadedConfig Load(string path)
    {
        var result = ConfigLoader.LoadFile(path);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    public static LoadedConfig Parse(string text, string directory)
    {
        var result = ConfigLoader.Parse(text, Path.Combine(directory, "config.yaml"), directory);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return result.Config!;
    }

    public static PackageRequest Request(LoadedConfig loaded) => PackageRequest.Build(loaded, PresetCatalog.CreateDefault());

    public static string ScratchPath(string what) => Path.Combine(Path.GetTempPath(), $"keel-install-{what}-{Guid.NewGuid():N}");

    /// <summary>"NAME EPOCH:VERSION-RELEASE.ARCH" with epoch 0 spelled out, so rpm's and Keel's spellings compare.</summary>
    public static string Key(PackageMetadata p) => $"{p.Name} {p.Evr.EpochNumber}:{p.Evr.Version}-{p.Evr.Release}.{p.Arch}";

    public static (int ExitCode, string Output, string Error) Rpm(string root, params string[] args)
    {
        var psi = new ProcessStartInfo("rpm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--root", root, "--dbpath", "/usr/lib/sysimage/rpm", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
