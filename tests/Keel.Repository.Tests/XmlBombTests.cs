using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Keel.Errors;
using Keel.Repository.Definitions;

namespace Keel.Repository.Tests;

/// <summary>
/// Issue 8 finding 6: a small primary.xml.gz that expands to one enormous attribute must be refused while it is read,
/// with memory bounded, not after the reader has buffered the whole value.
/// </summary>
[Collection(nameof(MemoryMeasuringCollection))]
public sealed class XmlBombTests
{
    [Theory]
    [InlineData(300_000_000L)]
    [InlineData(1_000_000_000L)]
    public async Task HugeAttributeInPrimary_IsRefusedWhileReading(long attributeLength)
    {
        var repo = TestSupport.TempDir();
        var primary = WriteBombRepo(repo, attributeLength);
        Assert.True(new FileInfo(primary).Length < 2 * 1024 * 1024, "the bomb should be a small file");

        using var loader = new RepositoryLoader();
        var definition = new RepositoryDefinition { Id = "bomb", BaseUrls = [repo] };
        var options = new RepositoryLoadOptions { Cache = TestSupport.TempCache(), UseParsedCache = false };
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<LimitExceededException>(() => loader.LoadAsync(definition, options));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(ReasonCodes.LimitExceeded, ex.Reason);
        Assert.Equal(primary, ex.Input);
        Assert.Contains(primary, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.True(allocated < 256L * 1024 * 1024, $"allocated {allocated / (1024 * 1024)} MB before refusing");
    }

    /// <summary>
    /// Writes repodata/primary.xml.gz holding one package whose version element has an attribute of <paramref name="length"/> characters,
    /// as concatenated gzip members (one 1 MiB member repeated), and a repomd.xml listing it. Returns the primary path.
    /// </summary>
    private static string WriteBombRepo(string repo, long length)
    {
        var repodata = Directory.CreateDirectory(Path.Combine(repo, "repodata")).FullName;
        var primary = Path.Combine(repodata, "primary.xml.gz");
        const int Chunk = 1024 * 1024;
        var filler = Gzip(Encoding.ASCII.GetBytes(new string('a', Chunk)));
        using (var file = File.Create(primary))
        {
            file.Write(Gzip(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" packages=\"1\"><package type=\"rpm\"><name>x</name><arch>x86_64</arch>")));
            file.Write(Gzip(Encoding.UTF8.GetBytes("<version epoch=\"0\" ver=\"1\" rel=\"1\" x=\"")));
            for (long done = 0; done < length; done += Chunk)
            {
                file.Write(filler);
            }

            file.Write(Gzip(Encoding.UTF8.GetBytes("\"/></package></metadata>\n")));
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(primary)));
        File.WriteAllText(Path.Combine(repodata, "repomd.xml"), $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <repomd xmlns="http://linux.duke.edu/metadata/repo">
              <revision>1</revision>
              <data type="primary">
                <checksum type="sha256">{sha}</checksum>
                <location href="repodata/primary.xml.gz"/>
                <timestamp>1700000000</timestamp>
              </data>
            </repomd>
            """);
        return primary;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }
}

/// <summary>Tests that measure the process's allocations run alone, so other tests' allocations do not count.</summary>
[CollectionDefinition(nameof(MemoryMeasuringCollection), DisableParallelization = true)]
public sealed class MemoryMeasuringCollection;
