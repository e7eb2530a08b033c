using Keel.Compression;

namespace Keel.Rpm.Tests;

public class PayloadExtractionTests(BuiltPackages packages) : IClassFixture<BuiltPackages>
{
    public static TheoryData<string> Compressors() => [.. BuiltPackages.Compressors];

    [Theory]
    [MemberData(nameof(Compressors))]
    public void Extraction_equals_rpm2cpio_cpio(string compressor)
    {
        var rpm = packages.Built[compressor];
        var ours = packages.NewTempDir("keel");
        var theirs = packages.NewTempDir("cpio");

        using (var reader = RpmPackageReader.Open(rpm))
        {
            var expectedKind = compressor switch
            {
                "w19.zstdio" => CompressionKind.Zstd,
                "w9.gzdio" => CompressionKind.Gzip,
                "w6.xzdio" => CompressionKind.Xz,
                _ => CompressionKind.Bzip2,
            };
            Assert.Equal(expectedKind, reader.PayloadCompression);
            using var payload = reader.OpenPayload();
            var result = CpioExtractor.Extract(payload, ours, rpm);
            Assert.Empty(result.Skipped);
        }

        var (code, _, stderr) = Tool.Run("sh", ["-c", "rpm2cpio \"$1\" | cpio -idm --quiet", "sh", rpm], workingDirectory: theirs);
        Assert.True(code == 0, stderr);

        var expected = Snapshot(theirs);
        Assert.True(expected.Count >= 10, $"cpio extracted only {expected.Count} entries");
        Assert.Equal(expected, Snapshot(ours));
    }

    [Theory]
    [MemberData(nameof(Compressors))]
    public void Built_package_header_matches_rpm_query_and_verifies(string compressor)
    {
        var rpm = packages.Built[compressor];
        Assert.Equal(RpmHeaderVsRpmTests.FromRpm(rpm), RpmHeaderVsRpmTests.FromKeel(rpm));
        var check = RpmPackageChecker.Verify(rpm, keys: null);
        Assert.True(check.AllOk, string.Join("; ", check.Checks));
        Assert.Contains(check.Checks, c => c.Name == "Payload SHA256 digest");
    }

    /// <summary>Every entry below a directory: type, permission bits, link target or content hash; hard links by link count.</summary>
    private static List<string> Snapshot(string root)
    {
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                lines.Add($"L {rel} -> {info.LinkTarget}");
            }
            else if (Directory.Exists(path))
            {
                lines.Add($"D {rel}");
            }
            else
            {
                var mode = OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(path);
                var links = Tool.Ok("stat", "-c", "%h", path).Trim();
                lines.Add($"F {rel} mode={Convert.ToString(mode, 8)} links={links} mtime={info.LastWriteTimeUtc:O} sha256={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)))}");
            }
        }

        return lines;
    }
}
