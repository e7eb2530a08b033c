using Keel.Config.Loading;
using Keel.TargetSystem;

namespace Keel.Install.Storage;

/// <summary>
/// LUKS2 root encryption done on the machine's first boot (the build host has no device-mapper): the image holds a plain
/// root file system that leaves <see cref="HeaderReserveBytes"/> of its partition free, the kernel command line names
/// the partition to encrypt (rd.keel.encrypt=PARTUUID=…) and the LUKS UUID it gets (rd.luks.uuid=…), and the key travels
/// in the initramfs at <see cref="KeyPathInInitramfs"/>. The initramfs encrypts in place once, then opens the volume as
/// /dev/mapper/<see cref="MappingName"/> on every boot; the volume key is made inside each machine.
/// </summary>
public sealed class RootEncryption
{
    /// <summary>Room for the LUKS2 header: cryptsetup reencrypt --encrypt --reduce-device-size 32M shifts the data by it.</summary>
    public const long HeaderReserveBytes = 32L * 1024 * 1024;

    /// <summary>Where the initramfs finds the key (dracut --include puts it there).</summary>
    public const string KeyPathInInitramfs = "/etc/keel/luks.key";

    /// <summary>The device-mapper name of the opened root volume, also the crypttab name.</summary>
    public const string MappingName = "root";

    /// <summary>The key's path in the staging root while dracut runs; removed right after.</summary>
    public const string StagedKeyPath = "/var/tmp/keel-luks.key";

    private readonly byte[] _key;

    private RootEncryption(Guid luksUuid, Guid partitionGuid, byte[] key)
    {
        LuksUuid = luksUuid;
        PartitionGuid = partitionGuid;
        _key = key;
    }

    /// <summary>The UUID the LUKS2 header gets (derived from the config seed like every other identifier).</summary>
    public Guid LuksUuid { get; }

    /// <summary>The GPT unique GUID of the root partition the initramfs encrypts.</summary>
    public Guid PartitionGuid { get; }

    /// <summary>Kernel arguments the initramfs acts on (see docs/install-engine.md, "Encrypted root").</summary>
    public IReadOnlyList<string> KernelArguments => [$"rd.luks.uuid={LuksUuid:D}", $"rd.keel.encrypt=PARTUUID={PartitionGuid:D}"];

    /// <summary>The target's /etc/crypttab: the root volume by LUKS UUID; "none" because the running system has no key file.</summary>
    public string Crypttab => $"{MappingName} UUID={LuksUuid:D} none luks\n";

    /// <summary>The encryption of <paramref name="layout"/>'s root, or null when it is not encrypted; reads the key file or takes the passphrase's UTF-8 bytes.</summary>
    public static RootEncryption? For(LoadedConfig loaded, DiskLayout layout)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(layout);
        var root = layout.Root;
        if (loaded.Config.Storage.Encryption is not { } enc || root.LuksUuid is not { } luks)
        {
            return null;
        }

        byte[] key;
        if (enc.KeyFile is { } keyFile)
        {
            var path = loaded.Resolve(keyFile);
            try
            {
                key = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidDataException($"{loaded.Source}: storage.encryption.keyFile: cannot read {path}: {e.Message}", e);
            }
        }
        else
        {
            // cryptsetup --key-file uses the bytes as they are: the same bytes typed at a prompt unlock it too.
            key = System.Text.Encoding.UTF8.GetBytes(enc.Passphrase ?? "");
        }

        if (key.Length == 0)
        {
            throw new InvalidDataException($"{loaded.Source}: storage.encryption: the key is empty");
        }

        return new RootEncryption(luks, root.Gpt.PartitionGuid, key);
    }

    /// <summary>
    /// Checks that the target can encrypt and open its root (cryptsetup is in the initramfs only if the target has it),
    /// writes /etc/crypttab and stages the key for dracut at <see cref="StagedKeyPath"/> (mode 0400).
    /// </summary>
    public void Prepare(TargetRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!new[] { "/usr/sbin/cryptsetup", "/usr/bin/cryptsetup" }.Any(p => root.Exists(p)))
        {
            throw new InvalidDataException("storage.encrypt: the target has no cryptsetup; add the package 'cryptsetup' to packages.include");
        }

        root.WriteText("/etc/crypttab", Crypttab, (UnixFileMode)0x180); // 0600, as distributions ship it
        root.CreateDirectory("/var/tmp");
        root.WriteFile(StagedKeyPath, _key, UnixFileMode.UserRead);
    }

    /// <summary>Removes the staged key from the target tree (it must only end up in the initramfs).</summary>
    public static void RemoveStagedKey(TargetRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.DeleteFile(StagedKeyPath);
    }
}
