using Keel.Config.Loading;
using Keel.Install.Boot;
using Keel.TargetSystem;

namespace Keel.Install.Storage;

/// <summary>
/// LUKS2 root encryption by in-place re-encryption of a plain root file system that leaves <see cref="HeaderReserveBytes"/>
/// of its partition free. An image encrypts itself on the machine's first boot (the build host has no device-mapper, and
/// every machine gets its own volume key): the kernel command line names the partition to encrypt (rd.keel.encrypt=) and
/// the LUKS UUID it gets (rd.luks.uuid=). A device install encrypts the partition right after making its file systems
/// (<see cref="EncryptAsync"/>: offline re-encryption needs no device-mapper), so the disk is never left plain. A key
/// file travels in the initramfs at <see cref="KeyPathInInitramfs"/>; a passphrase never does: the initramfs asks for it.
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

    // The resolved key file, or null for a passphrase (whose bytes are _key).
    private readonly string? _keyFile;

    private RootEncryption(Guid luksUuid, Guid partitionGuid, byte[] key, string? keyFile)
    {
        LuksUuid = luksUuid;
        PartitionGuid = partitionGuid;
        _key = key;
        _keyFile = keyFile;
    }

    /// <summary>
    /// The key is a passphrase a person types: it is never put into the initramfs (which sits unencrypted on the ESP); the
    /// initramfs asks for it on the console instead, and the key slot gets a KDF sized for a guessable secret.
    /// </summary>
    public bool UsesPassphrase => _keyFile is null;

    /// <summary>The UUID the LUKS2 header gets (derived from the config seed like every other identifier).</summary>
    public Guid LuksUuid { get; }

    /// <summary>The GPT unique GUID of the root partition the initramfs encrypts.</summary>
    public Guid PartitionGuid { get; }

    /// <summary>Kernel arguments the initramfs acts on (see docs/install-engine.md, "Encrypted root"): an image also names the partition to encrypt on first boot.</summary>
    public IReadOnlyList<string> KernelArguments(bool image) =>
        image ? [$"rd.luks.uuid={LuksUuid:D}", $"rd.keel.encrypt=PARTUUID={PartitionGuid:D}"] : [$"rd.luks.uuid={LuksUuid:D}"];

    /// <summary>Files dracut puts into the initramfs: the staged key file, or nothing for a passphrase.</summary>
    public IReadOnlyList<InitramfsInclude> InitramfsIncludes =>
        UsesPassphrase ? [] : [new InitramfsInclude(StagedKeyPath, KeyPathInInitramfs)];

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
        string? path = null;
        if (enc.KeyFile is { } keyFile)
        {
            path = loaded.Resolve(keyFile);
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

        return new RootEncryption(luks, root.Gpt.PartitionGuid, key, path);
    }

    /// <summary>
    /// Checks that the target can encrypt and open its root (cryptsetup is in the initramfs only if the target has it),
    /// writes /etc/crypttab and stages a key file for dracut at <see cref="StagedKeyPath"/> (mode 0400; never a passphrase).
    /// </summary>
    public void Prepare(TargetRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!new[] { "/usr/sbin/cryptsetup", "/usr/bin/cryptsetup" }.Any(p => root.Exists(p)))
        {
            throw new InvalidDataException("storage.encrypt: the target has no cryptsetup; add the package 'cryptsetup' to packages.include");
        }

        root.WriteText("/etc/crypttab", Crypttab, (UnixFileMode)0x180); // 0600, as distributions ship it
        if (!UsesPassphrase)
        {
            root.CreateDirectory("/var/tmp");
            root.WriteFile(StagedKeyPath, _key, UnixFileMode.UserRead);
        }
    }

    /// <summary>
    /// The arguments that encrypt <paramref name="partition"/> in place, offline (no device-mapper needed): the key comes on
    /// stdin for a passphrase, from the config's key file otherwise. A key file is random, so PBKDF2 with 1000 iterations costs nothing to guess that a slower KDF would protect;
    /// a passphrase gets PBKDF2 timed to 2 s on this machine (argon2id's memory cost is minutes under emulation).
    /// </summary>
    public IReadOnlyList<string> EncryptArguments(string partition) =>
    [
        "reencrypt", "--encrypt", "--type", "luks2", "--reduce-device-size", "32M", "--uuid", LuksUuid.ToString("D"),
        "--pbkdf", "pbkdf2", .. UsesPassphrase ? (string[])["--iter-time", "2000"] : ["--pbkdf-force-iterations", "1000"],
        "--batch-mode", "--key-file", _keyFile ?? "-", partition,
    ];

    /// <summary>Encrypts the device install's root partition now (see <see cref="EncryptArguments"/>); a passphrase goes through stdin only, never an argument.</summary>
    public async Task EncryptAsync(string stepId, string partition, CancellationToken cancellationToken)
    {
        // The passphrase was UTF-8 text in the config, so it survives the text stdin unchanged (no newline added).
        var input = UsesPassphrase ? System.Text.Encoding.UTF8.GetString(_key) : null;
        try
        {
            await Keel.Processes.ToolRunner.RunAsync(new Keel.Processes.ToolOptions { Input = input, DebianPackage = "cryptsetup" }, "cryptsetup", EncryptArguments(partition), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new IOException($"{stepId}: {ex.Message}", ex);
        }
    }

    /// <summary>Removes the staged key from the target tree (it must only end up in the initramfs).</summary>
    public static void RemoveStagedKey(TargetRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.DeleteFile(StagedKeyPath);
    }
}
