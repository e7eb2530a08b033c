using System.Diagnostics;
using Keel.Provisioning.Engine;
using Keel.TargetSystem;

namespace Keel.Provisioning.Tests;

/// <summary>A throwaway target root with minimal account files, and a NoCloud seed beside it.</summary>
internal sealed class TestRoot : IDisposable
{
    public TestRoot()
    {
        Base = Directory.CreateTempSubdirectory("keel-prov-").FullName;
        RootPath = Path.Combine(Base, "root");
        SeedPath = Path.Combine(Base, "seed");
        Directory.CreateDirectory(Path.Combine(RootPath, "etc"));
        Directory.CreateDirectory(SeedPath);
        File.WriteAllText(Path.Combine(RootPath, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Path.Combine(RootPath, "etc/group"), "root:x:0:\nwheel:x:10:\nadm:x:4:\n");
        File.WriteAllText(Path.Combine(RootPath, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(RootPath, "etc/gshadow"), "root:*::\nwheel:::\nadm:::\n");
        File.SetUnixFileMode(Path.Combine(RootPath, "etc/shadow"), 0);
        File.SetUnixFileMode(Path.Combine(RootPath, "etc/gshadow"), 0);
        Root = new TargetRoot(RootPath);
    }

    public string Base { get; }

    public string RootPath { get; }

    public string SeedPath { get; }

    public TargetRoot Root { get; }

    public string this[string pathInRoot] => File.ReadAllText(Host(pathInRoot));

    public string Host(string pathInRoot) => RootPath + pathInRoot;

    public void Seed(string userData, string instanceId = "iid-1", string? vendorData = null, string extraMeta = "")
    {
        File.WriteAllText(Path.Combine(SeedPath, "meta-data"), $"instance-id: {instanceId}\nlocal-hostname: node1\n{extraMeta}");
        File.WriteAllText(Path.Combine(SeedPath, "user-data"), userData);
        if (vendorData is not null)
        {
            File.WriteAllText(Path.Combine(SeedPath, "vendor-data"), vendorData);
        }
    }

    public AgentStatus Run(bool execute = false, string bootId = "boot-1", TextWriter? log = null) =>
        new Provisioner(Root, new ProvisioningOptions { Schema = Schema.CloudConfigSchema.LoadEmbedded(), BootId = bootId, ExecuteInRoot = execute, Now = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) }, log ?? TextWriter.Null)
            .RunNoCloud(SeedPath);

    /// <summary>Owner and octal mode (or what <paramref name="format"/> asks for) as the real stat(1) reports them.</summary>
    public string Stat(string pathInRoot, string format = "%u:%g %a")
    {
        var psi = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(format);
        psi.ArgumentList.Add(Host(pathInRoot));
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    public void Dispose() => Directory.Delete(Base, recursive: true);
}
