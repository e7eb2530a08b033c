using Keel.Provisioning.Tests.SideBySide;

namespace Keel.Provisioning.Tests;

/// <summary>seed_random: data appended to the seed file, the command run with RANDOM_SEED_FILE; side by side with cloud-init 22.4.2.</summary>
public sealed class SeedRandomModuleTests : IClassFixture<CloudInitChroot>
{
    private const string Seed = """
        #cloud-config
        random_seed:
          file: /var/tmp/seed.bin
          data: c2VlZCBieXRlcw==
          encoding: b64
          command: [sh, -c, 'echo "$RANDOM_SEED_FILE" > /var/tmp/seed-cmd']
          command_required: true
        """;

    private readonly CloudInitChroot _chroot;

    public SeedRandomModuleTests(CloudInitChroot chroot) => _chroot = chroot;

    [Fact]
    public async Task Same_as_cloud_init_appending_to_the_file_and_running_the_command()
    {
        using var run = new SideBySideRun(_chroot.Path, SideBySideSeeds.Meta("iid-seed"), Seed + "\n");
        foreach (var root in new[] { run.CloudInitRoot, run.KeelRoot })
        {
            File.WriteAllText(root + "/var/tmp/seed.bin", "old\n");
            File.SetUnixFileMode(root + "/var/tmp/seed.bin", (UnixFileMode)0x180);
        }

        Assert.True(run.RunCloudInit().Count == 0, run.Log.ToString());
        Assert.True(await run.RunKeelAsync() == 0, run.Log.ToString());
        Assert.Equal("old\nseed bytes", File.ReadAllText(run.KeelRoot + "/var/tmp/seed.bin"));
        Assert.Equal("/var/tmp/seed.bin\n", File.ReadAllText(run.KeelRoot + "/var/tmp/seed-cmd"));
        var unexplained = run.Compare().Where(d => !(d.Path is "/etc/passwd-" or "/etc/group-" or "/etc/shadow-" or "/etc/gshadow-" or "/etc/subuid-" or "/etc/subgid-"
            || (d.Keel is null && d.Path.StartsWith("/etc/ssh/ssh_host_dsa_key", StringComparison.Ordinal)))).ToList();
        Assert.True(unexplained.Count == 0, string.Join("\n", unexplained));
    }

    [Fact]
    public void Gzip_data_a_missing_required_command_and_the_device_of_a_target_root()
    {
        using var t = new TestRoot();
        var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write("entropy"u8);
        }

        t.Seed($"#cloud-config\nrandom_seed:\n  file: /var/lib/seed\n  data: !!binary {Convert.ToBase64String(gz.ToArray())}\n  encoding: gzip\n");
        Assert.Equal("ran", t.Run().Modules.Single(m => m.Name == "seed_random").Result);
        Assert.Equal("entropy", t["/var/lib/seed"]);
        Assert.Equal("0:0 644", t.Stat("/var/lib/seed"));

        using var missing = new TestRoot();
        missing.Seed("#cloud-config\nrandom_seed:\n  file: /var/lib/seed\n  command: [no-such-seeder]\n  command_required: true\n");
        var failed = missing.Run(execute: true).Modules.Single(m => m.Name == "seed_random");
        Assert.Equal("failed", failed.Result);
        Assert.Equal("random_seed.command 'no-such-seeder' not found but command_required is true", failed.Error);

        using var device = new TestRoot();
        device.Seed("#cloud-config\nrandom_seed: {data: abc}\n");
        Assert.Equal("deferred", device.Run().Modules.Single(m => m.Name == "seed_random").Result);
        Assert.False(File.Exists(device.Host("/dev/urandom")));
    }
}
