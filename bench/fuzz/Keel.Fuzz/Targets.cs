using System.Text;
using Keel.Compression;
using Keel.Errors;
using Keel.OpenPgp;
using Keel.Provisioning.Config;
using Keel.Provisioning.Datasources.Azure;
using Keel.Provisioning.Schema;
using Keel.Provisioning.UserData;
using Keel.Repository.Metadata;
using Keel.Rpm;

namespace Keel.Fuzz;

/// <summary>
/// One fuzz target per family of readers of untrusted bytes. Each takes the whole input and returns normally when the
/// input was read or refused the documented way; any other exception escapes and is a finding.
/// </summary>
internal static class Targets
{
    /// <summary>Decompressed bytes the rpm target reads from a payload: payloads are capped by disk space, not here, so
    /// a small xz/zstd bomb would otherwise read as a hang.</summary>
    private const long MaxPayloadBytes = 64L * 1024 * 1024;

    private static readonly Lazy<CloudConfigSchema> Schema = new(() =>
        CloudConfigSchema.LoadEmbedded() ?? throw new InvalidOperationException("Keel.Provisioning was built without its embedded schema"));

    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["rpm"] = Rpm,
        ["rpmmd-xml"] = RpmMdXml,
        ["openpgp"] = OpenPgp,
        ["cloud-config"] = CloudConfig,
        ["user-data-mime"] = UserDataMime,
        ["azure-ovf"] = AzureOvf,
    };

    /// <summary>The refusals the readers document (docs/design.md "Errors and exit codes" and each reader's exception
    /// docs): the type alone is not enough, the message must also be one non-empty line, as the CLI prints it.</summary>
    public static bool IsRefusal(Exception ex) =>
        ex is InvalidDataException or FormatException or NotSupportedException or KeelException
        && ex.Message.Length > 0
        && ex.Message.IndexOfAny(['\r', '\n']) < 0;

    /// <summary>Runs one target on one input, swallowing only documented refusals.</summary>
    public static void Run(string target, byte[] input)
    {
        try
        {
            All[target](input);
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
        }
    }

    /// <summary>Lead, both headers, everything the header accessors derive, the payload's cpio entries, then the
    /// digest and signature checks keel rpm verify runs.</summary>
    private static void Rpm(byte[] input)
    {
        const string Name = "fuzz.rpm";
        using (var reader = new RpmPackageReader(new MemoryStream(input, writable: false), Name))
        {
            var header = reader.Header;
            _ = RpmPackageChecker.SignatureKeyIds(reader.Signature, Name);
            _ = header.ToPackageMetadata();
            _ = header.GetFiles();
            _ = header.GetFilePaths();
            _ = header.GetScriptlets();
            _ = header.GetFileDigestAlgorithm();
            foreach (var kind in Enum.GetValues<RpmDependencyKind>())
            {
                _ = header.GetDependencies(kind);
            }

            using var payload = reader.OpenPayload();
            var cpio = new CpioReader(payload, Name + " payload");
            var buffer = new byte[64 * 1024];
            long budget = MaxPayloadBytes;
            while (budget > 0 && cpio.GetNextEntry() is { } entry)
            {
                using var data = entry.Open();
                int n;
                while (budget > 0 && (n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, budget))) > 0)
                {
                    budget -= n;
                }
            }
        }

        // RpmPackageChecker reads a path; /dev/shm keeps this off the disk.
        File.WriteAllBytes(RpmScratchPath, input);
        _ = RpmPackageChecker.Verify(RpmScratchPath, null);
    }

    private static readonly string RpmScratchPath = Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"keel-fuzz-{Environment.ProcessId}.rpm");

    /// <summary>The first byte picks the reader; the rest is the (possibly compressed) file, opened by content as the
    /// repository loader does.</summary>
    private static void RpmMdXml(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        using var file = Decompression.OpenDetected(new MemoryStream(input, 1, input.Length - 1, writable: false), "fuzz.xml");
        switch (input[0] % 5)
        {
            case 0:
                _ = RepoMdReader.Read(file, "repomd.xml");
                break;
            case 1:
                _ = PrimaryReader.Read(file, "primary.xml", "fuzz");
                break;
            case 2:
                FilelistsReader.Read(file, "filelists.xml", static (_, _) => { });
                break;
            case 3:
                _ = CompsReader.Read(file, "comps.xml");
                break;
            default:
                _ = UpdateInfoReader.Read(file, "updateinfo.xml");
                break;
        }
    }

    /// <summary>The input as a key ring (armor, packets, key policy), as a signature (what keel prints about it), and
    /// as a detached signature checked with the ring the same input made, when it made one.</summary>
    private static void OpenPgp(byte[] input)
    {
        OpenPgpKeyRing? ring = null;
        try
        {
            ring = OpenPgpKeyRing.Parse(input, "fuzz.asc");
            _ = ring.UnusableKeys;
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
        }

        try
        {
            _ = OpenPgpSignatureInfo.Read(input, "fuzz.sig");
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
        }

        // VerifyDetached reports malformed signatures as a result, never by throwing.
        if (ring is not null)
        {
            _ = ring.VerifyDetached("fuzz"u8, input);
            _ = ring.VerifyDetached(new MemoryStream(input, writable: false), input);
        }
    }

    /// <summary>keel-agent's YAML reader and the schema check every cloud-config goes through.</summary>
    private static void CloudConfig(byte[] input)
    {
        var node = YamlConfigReader.Parse(Encoding.UTF8.GetString(input), "fuzz-cloud-config");
        var report = Schema.Value.Validate(node);
        _ = CloudConfigSchema.Format(report, "fuzz-cloud-config");
    }

    /// <summary>The whole user-data path without includes: gzip, base64, MIME, part types, YAML of each part, merging.</summary>
    private static void UserDataMime(byte[] input)
    {
        var assembled = AssembledUserData.FromBlob(input, "fuzz-user-data", fetcher: null);
        _ = Schema.Value.Validate(assembled.CloudConfig);
    }

    /// <summary>Azure's ovf-env.xml and its base64 custom data, which then goes through the user-data path.</summary>
    private static void AzureOvf(byte[] input)
    {
        var ovf = OvfEnvironment.Parse(Encoding.UTF8.GetString(input), "ovf-env.xml");
        if (ovf.DecodeCustomData("ovf-env.xml") is { } custom)
        {
            _ = AssembledUserData.FromBlob(custom, "ovf-env.xml CustomData", fetcher: null);
        }
    }
}
