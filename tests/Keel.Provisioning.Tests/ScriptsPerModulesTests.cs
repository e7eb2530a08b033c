using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>
/// scripts_per_boot / per_instance / per_once: the /var/lib/cloud/scripts directories an image ships, run through chroot
/// at cloud-init's frequencies, and side by side with cloud-init 22.4.2 on its first boot.
/// </summary>
public sealed class ScriptsPerModulesTests : IClassFixture<CloudInitChroot>
{
    private readonly CloudInitChroot _chroot;

    public ScriptsPerModulesTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public void Each_directory_runs_at_its_frequency_in_name_order()
    {
        using var t = new TestRoot();
        Directory.CreateDirectory(t.Host("/bin"));
        Directory.CreateDirectory(t.Host("/var/tmp"));
        File.Copy("/bin/busybox", t.Host("/bin/busybox"));
        File.CreateSymbolicLink(t.Host("/bin/sh"), "busybox");
        File.CreateSymbolicLink(t.Host("/bin/echo"), "busybox");
        WriteScripts(t.RootPath);

        t.Seed("#cloud-config\n", "iid-1");
        var first = t.Run(execute: true, bootId: "boot-1");
        Assert.True(first.Status == "done", string.Join("; ", first.Errors.Select(e => e.Source + ": " + e.Message)));
        Assert.Equal("ran", first.Modules.Single(m => m.Name == "scripts_per_boot").Result);
        Assert.Equal("boot-a\nboot-b\n", t["/var/tmp/per-boot.log"]);

        // The same instance booted again: per-boot only.
        var second = t.Run(execute: true, bootId: "boot-2");
        Assert.Equal("already-ran", second.Modules.Single(m => m.Name == "scripts_per_instance").Result);
        Assert.Equal("already-ran", second.Modules.Single(m => m.Name == "scripts_per_once").Result);

        // A new instance: per-instance again, per-once never again.
        t.Seed("#cloud-config\n", "iid-2");
        t.Run(execute: true, bootId: "boot-3");
        Assert.Equal("boot-a\nboot-b\nboot-a\nboot-b\nboot-a\nboot-b\n", t["/var/tmp/per-boot.log"]);
        Assert.Equal("instance\ninstance\n", t["/var/tmp/per-instance.log"]);
        Assert.Equal("once\n", t["/var/tmp/per-once.log"]);
        Assert.False(File.Exists(t.Host("/var/tmp/not-executable.log")));

        // A failing script fails the module (the others in the directory still run), and the next boot tries again.
        File.WriteAllText(t.Host("/var/lib/cloud/scripts/per-instance/05-fails"), "#!/bin/sh\nexit 3\n");
        File.SetUnixFileMode(t.Host("/var/lib/cloud/scripts/per-instance/05-fails"), (UnixFileMode)0x1ed);
        t.Seed("#cloud-config\n", "iid-3");
        var failing = t.Run(execute: true, bootId: "boot-4").Modules.Single(m => m.Name == "scripts_per_instance");
        Assert.Equal("failed", failing.Result);
        Assert.StartsWith("1 of 2 scripts failed: /var/lib/cloud/scripts/per-instance/05-fails: exited with status 3", failing.Error, StringComparison.Ordinal);
        Assert.Equal("instance\ninstance\ninstance\n", t["/var/tmp/per-instance.log"]);
    }

    [Fact]
    public void A_target_root_leaves_them_for_its_first_boot()
    {
        using var t = new TestRoot();
        WriteScripts(t.RootPath);
        t.Seed("#cloud-config\n");
        var status = t.Run(execute: false);
        Assert.All(new[] { "scripts_per_boot", "scripts_per_instance", "scripts_per_once" }, n => Assert.Equal("deferred", status.Modules.Single(m => m.Name == n).Result));
    }

    [Fact]
    public async Task Same_as_cloud_init_on_the_first_boot()
    {
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-scripts"), "#cloud-config\n");
        WriteScripts(run.CloudInitRoot);
        WriteScripts(run.KeelRoot);
        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());
        foreach (var log in new[] { "per-boot", "per-instance", "per-once" })
        {
            Assert.Equal(File.ReadAllText($"{run.CloudInitRoot}/var/tmp/{log}.log"), File.ReadAllText($"{run.KeelRoot}/var/tmp/{log}.log"));
        }

        Assert.Equal("boot-a\nboot-b\n", File.ReadAllText(run.KeelRoot + "/var/tmp/per-boot.log"));
        Assert.False(File.Exists(run.CloudInitRoot + "/var/tmp/not-executable.log"));
        Assert.False(File.Exists(run.KeelRoot + "/var/tmp/not-executable.log"));
    }

    private static void WriteScripts(string root)
    {
        void Script(string dir, string name, string line)
        {
            var path = $"{root}/var/lib/cloud/scripts/{dir}/{name}";
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"#!/bin/sh\necho {line} >> /var/tmp/{dir}.log\n");
            File.SetUnixFileMode(path, (UnixFileMode)0x1ed);
        }

        Script("per-boot", "20-b", "boot-b");
        Script("per-boot", "10-a", "boot-a");
        Script("per-instance", "10-i", "instance");
        Script("per-once", "10-o", "once");
        File.WriteAllText($"{root}/var/lib/cloud/scripts/per-boot/30-plain", "#!/bin/sh\necho x > /var/tmp/not-executable.log\n");
    }
}
