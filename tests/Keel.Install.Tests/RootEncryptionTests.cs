using Keel.Config.Loading;
using Keel.Install.Boot;
using Keel.Install.Planning;
using Keel.Install.Storage;
using Keel.TargetSystem;

namespace Keel.Install.Tests;

/// <summary>The layout, kernel arguments, crypttab and key staging of a root encrypted on first boot.</summary>
public sealed class RootEncryptionTests : IDisposable
{
    private readonly string _work = InstallFixtures.ScratchPath("luks");

    public RootEncryptionTests() => Directory.CreateDirectory(_work);

    public void Dispose() => InstallFixtures.DeleteQuietly(_work);

    private LoadedConfig Config(string encryption, string seed = "seed: luks-test") => InstallFixtures.Parse($"""
        apiVersion: keel/v1
        kind: Machine
        distribution: fixture
        preset: minimal
        {seed}
        storage:
          encryption:
            type: luks2
            {encryption}
        """, _work);

    private static DiskLayout Layout(LoadedConfig loaded)
    {
        var plan = Planner.Build(loaded, InstallFixtures.Request(loaded), new PlanTarget(PlanTargetKind.Image, "/tmp/x.raw", 2L << 30, null));
        return DiskLayout.From(plan.Partitions, loaded.Config.Seed, null);
    }

    [Fact]
    public void Encrypted_root_file_system_leaves_32_MiB_for_the_header_and_gets_a_seeded_luks_uuid()
    {
        File.WriteAllBytes(Path.Combine(_work, "k"), [1, 2, 3]);
        var loaded = Config("keyFile: k");
        var layout = Layout(loaded);
        var root = layout.Root;

        Assert.Equal(root.Gpt.SizeBytes - (32L << 20), root.Filesystem.SizeBytes);
        Assert.NotNull(root.LuksUuid);
        Assert.Equal(root.LuksUuid, Layout(loaded).Root.LuksUuid);
        Assert.NotEqual(root.LuksUuid, Layout(Config("keyFile: k", "seed: other")).Root.LuksUuid);
        Assert.All(layout.Partitions.Where(p => p != root), p =>
        {
            Assert.Null(p.LuksUuid);
            Assert.Equal(p.Gpt.SizeBytes, p.Filesystem.SizeBytes);
        });
    }

    [Fact]
    public void Kernel_arguments_name_the_luks_uuid_and_the_partition_and_root_stays_the_file_system()
    {
        var loaded = Config("passphrase: correct horse battery");
        var layout = Layout(loaded);
        var enc = RootEncryption.For(loaded, layout)!;

        Assert.Equal([$"rd.luks.uuid={layout.Root.LuksUuid:D}", $"rd.keel.encrypt=PARTUUID={layout.Root.Gpt.PartitionGuid:D}"], enc.KernelArguments);
        var settings = new BootSettings(layout.Root.Filesystem.Uuid, "ext4", "/boot/efi", null, enc.KernelArguments);
        var cmdline = BootLoaderStep.CommandLine(loaded.Config, settings).Split(' ');
        Assert.Equal($"root=UUID={layout.Root.Filesystem.Uuid:D}", cmdline[0]);
        Assert.Contains($"rd.luks.uuid={layout.Root.LuksUuid:D}", cmdline);
        Assert.Equal($"root UUID={layout.Root.LuksUuid:D} none luks\n", enc.Crypttab);
    }

    [Fact]
    public void Unencrypted_layout_has_no_encryption()
    {
        var loaded = InstallFixtures.Parse("apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: minimal\n", _work);
        var layout = Layout(loaded);
        Assert.Null(layout.Root.LuksUuid);
        Assert.Null(RootEncryption.For(loaded, layout));
    }

    [Fact]
    public void Prepare_writes_crypttab_and_stages_the_key_0400_until_removed()
    {
        var key = new byte[] { 0, 1, 2, 255, 10 };
        File.WriteAllBytes(Path.Combine(_work, "k"), key);
        var loaded = Config("keyFile: k");
        var enc = RootEncryption.For(loaded, Layout(loaded))!;
        var root = new TargetRoot(Directory.CreateDirectory(Path.Combine(_work, "root")).FullName);
        root.WriteText("/usr/sbin/cryptsetup", "#!/bin/sh\n", (UnixFileMode)0x1ed);

        enc.Prepare(root);

        Assert.Equal(enc.Crypttab, root.ReadAllTextOrNull("/etc/crypttab"));
        var staged = root.Resolve(RootEncryption.StagedKeyPath);
        Assert.Equal(key, File.ReadAllBytes(staged));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(staged));
        RootEncryption.RemoveStagedKey(root);
        Assert.False(File.Exists(staged));
    }

    [Fact]
    public void Prepare_refuses_a_target_without_cryptsetup()
    {
        var loaded = Config("passphrase: correct horse battery");
        var enc = RootEncryption.For(loaded, Layout(loaded))!;
        var root = new TargetRoot(Directory.CreateDirectory(Path.Combine(_work, "bare")).FullName);

        var e = Assert.Throws<InvalidDataException>(() => enc.Prepare(root));
        Assert.Contains("cryptsetup", e.Message, StringComparison.Ordinal);
        Assert.False(root.Exists(RootEncryption.StagedKeyPath));
    }
}
