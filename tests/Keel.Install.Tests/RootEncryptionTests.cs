using Keel.Config.Loading;
using Keel.Install.Boot;
using Keel.Install.Planning;
using Keel.Install.Storage;
using Keel.Processes;
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

        Assert.Equal([$"rd.luks.uuid={layout.Root.LuksUuid:D}", $"rd.keel.encrypt=PARTUUID={layout.Root.Gpt.PartitionGuid:D}"], enc.KernelArguments(image: true));
        // A device install is encrypted before it first boots: the initramfs only opens it.
        Assert.Equal([$"rd.luks.uuid={layout.Root.LuksUuid:D}"], enc.KernelArguments(image: false));
        var settings = new BootSettings(layout.Root.Filesystem.Uuid, "ext4", "/boot/efi", null, enc.KernelArguments(image: true));
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

    [Fact]
    public void A_passphrase_is_never_staged_for_the_initramfs_and_a_key_file_is()
    {
        var passphrase = Config("passphrase: correct horse battery");
        var byPassphrase = RootEncryption.For(passphrase, Layout(passphrase))!;
        var root = new TargetRoot(Directory.CreateDirectory(Path.Combine(_work, "pp")).FullName);
        root.WriteText("/usr/sbin/cryptsetup", "#!/bin/sh\n", (UnixFileMode)0x1ed);

        byPassphrase.Prepare(root);

        Assert.True(byPassphrase.UsesPassphrase);
        Assert.Empty(byPassphrase.InitramfsIncludes);
        Assert.False(root.Exists(RootEncryption.StagedKeyPath));
        Assert.Equal(byPassphrase.Crypttab, root.ReadAllTextOrNull("/etc/crypttab"));
        Assert.DoesNotContain(byPassphrase.EncryptArguments("/dev/vda2"), a => a.Contains("horse", StringComparison.Ordinal));
        Assert.Equal("-", byPassphrase.EncryptArguments("/dev/vda2")[^2]);

        File.WriteAllBytes(Path.Combine(_work, "k"), [1, 2, 3]);
        var keyFile = Config("keyFile: k");
        var byKeyFile = RootEncryption.For(keyFile, Layout(keyFile))!;
        Assert.False(byKeyFile.UsesPassphrase);
        Assert.Equal([new InitramfsInclude(RootEncryption.StagedKeyPath, RootEncryption.KeyPathInInitramfs)], byKeyFile.InitramfsIncludes);
        Assert.Equal(Path.Combine(_work, "k"), byKeyFile.EncryptArguments("/dev/vda2")[^2]);
    }

    [Fact]
    public async Task EncryptAsync_turns_a_plain_file_system_into_LUKS2_that_the_passphrase_opens()
    {
        // Offline re-encryption works on a plain file through a loop device cryptsetup sets up itself; no device-mapper.
        var loaded = Config("passphrase: correct horse battery");
        var enc = RootEncryption.For(loaded, Layout(loaded))!;
        var partition = Path.Combine(_work, "root.img");
        using (var f = File.Create(partition))
        {
            f.SetLength(64L << 20);
        }

        await ToolRunner.RunAsync("mkfs.ext4", ["-q", "-F", partition, "32M"], null, CancellationToken.None);

        await enc.EncryptAsync("storage.encrypt", partition, CancellationToken.None);

        var uuid = await ToolRunner.RunAsync("cryptsetup", ["luksUUID", partition], null, CancellationToken.None);
        Assert.Equal(enc.LuksUuid.ToString("D"), uuid.Output.Trim());
        var opens = await ToolRunner.RunAsync(new ToolOptions { Input = "correct horse battery", AllowFailure = true }, "cryptsetup", ["open", "--test-passphrase", "--key-file", "-", partition], CancellationToken.None);
        Assert.Equal(0, opens.ExitCode);
        var wrong = await ToolRunner.RunAsync(new ToolOptions { Input = "correct horse battery!", AllowFailure = true }, "cryptsetup", ["open", "--test-passphrase", "--key-file", "-", partition], CancellationToken.None);
        Assert.NotEqual(0, wrong.ExitCode);
        var dump = await ToolRunner.RunAsync("cryptsetup", ["luksDump", partition], null, CancellationToken.None);
        Assert.Contains("pbkdf2", dump.Output, StringComparison.Ordinal);
    }
}
