using System.Buffers.Binary;
using Keel.Packaging;
using Keel.Repository.Cache;
using Keel.Repository.Integrity;

namespace Keel.Repository.Tests;

/// <summary>The primary cache format on its own: every field survives, shared objects stay shared, damage is refused.</summary>
public sealed class ParsedMetadataCacheTests
{
    private static readonly Checksum Source = Checksum.Create("sha256", new string('a', 64), "test");

    [Fact]
    public void RoundTrip_KeepsEveryFieldOfManyVariedPackages()
    {
        // Enough distinct strings and dependencies for three-byte indices; summaries from empty to multi-byte and long.
        var packages = MakePackages(20_000);
        var path = Path.Combine(TestSupport.TempDir(), "primary.bin");
        ParsedMetadataCache.WritePrimary(path, Source, packages);

        var back = ParsedMetadataCache.TryReadPrimary(path, Source, "repo");

        Assert.NotNull(back);
        Assert.Equal(packages.Count, back.Count);
        for (int i = 0; i < packages.Count; i++)
        {
            var a = packages[i];
            var b = back[i];
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Arch, b.Arch);
            Assert.Equal(a.Evr, b.Evr);
            Assert.Equal(a.Summary, b.Summary);
            Assert.Equal(a.SourceRpm, b.SourceRpm);
            Assert.Equal(a.InstalledSize, b.InstalledSize);
            Assert.Equal(a.Location, b.Location);
            Assert.Equal("repo", b.RepositoryId);
            Assert.Equal(a.Provides, b.Provides);
            Assert.Equal(a.Requires, b.Requires);
            Assert.Equal(a.Conflicts, b.Conflicts);
            Assert.Equal(a.Obsoletes, b.Obsoletes);
            Assert.Equal(a.Recommends, b.Recommends);
            Assert.Equal(a.Suggests, b.Suggests);
            Assert.Equal(a.Supplements, b.Supplements);
            Assert.Equal(a.Enhances, b.Enhances);
            Assert.Equal(a.Files, b.Files);
        }

        // Every package requires libc: read back, that is one Dependency object, not 20,000 equal ones.
        Assert.Same(back[0].Requires[0], back[^1].Requires[0]);
        Assert.Same(back[1].Evr, back[3].Evr);
    }

    [Fact]
    public void DamagedTail_OrOtherSource_IsTreatedAsAbsent()
    {
        var packages = MakePackages(50);
        var path = Path.Combine(TestSupport.TempDir(), "primary.bin");
        ParsedMetadataCache.WritePrimary(path, Source, packages);
        var good = File.ReadAllBytes(path);
        Assert.NotNull(ParsedMetadataCache.TryReadPrimary(path, Source, null));
        Assert.Null(ParsedMetadataCache.TryReadPrimary(path, Checksum.Create("sha256", new string('b', 64), "test"), null));

        // The tables' offset sits just before the 8-byte end marker.
        int at = good.Length - 16;
        long offset = BinaryPrimitives.ReadInt64LittleEndian(good.AsSpan(at));
        foreach (var wrong in new[] { 0L, -1L, offset - 1, offset + 1, good.Length })
        {
            var bad = (byte[])good.Clone();
            BinaryPrimitives.WriteInt64LittleEndian(bad.AsSpan(at), wrong);
            File.WriteAllBytes(path, bad);
            Assert.Null(ParsedMetadataCache.TryReadPrimary(path, Source, null));
        }

        // A byte appended after the end marker, and a record region cut short.
        File.WriteAllBytes(path, [.. good, 0]);
        Assert.Null(ParsedMetadataCache.TryReadPrimary(path, Source, null));
        File.WriteAllBytes(path, [.. good.AsSpan(0, (int)offset - 3), .. good.AsSpan((int)offset)]);
        Assert.Null(ParsedMetadataCache.TryReadPrimary(path, Source, null));
    }

    private static List<PackageMetadata> MakePackages(int count)
    {
        var libc = new Dependency("libc.so.6()(64bit)");
        var shared = new Evr("1", "2.0", "3");
        var result = new List<PackageMetadata>(count);
        for (int i = 0; i < count; i++)
        {
            var evr = i % 2 == 1 ? shared : new Evr(i % 3 == 0 ? null : "0", $"1.{i}", i % 5 == 0 ? null : $"{i % 7}.el9");
            string? summary = (i % 4) switch
            {
                0 => null,
                1 => string.Empty,
                2 => new string('s', i % 300) + "é€𝄞",
                _ => $"package number {i}",
            };
            result.Add(new PackageMetadata
            {
                Name = $"pkg-{i}",
                Arch = i % 3 == 0 ? "noarch" : "x86_64",
                Evr = evr,
                Summary = summary,
                SourceRpm = i % 6 == 0 ? null : $"pkg-{i / 2}.src.rpm",
                InstalledSize = long.MaxValue - i,
                Provides = [new Dependency($"pkg-{i}", DependencyFlags.Equal, evr), new Dependency($"cap-{i}()(64bit)")],
                Requires = i % 10 == 0
                    ? [libc]
                    : [libc, new Dependency($"pkg-{i - 1}", DependencyFlags.Greater | DependencyFlags.Equal, new Evr(null, $"{i}", null)), new Dependency("(a or b)")],
                Conflicts = i % 8 == 0 ? [new Dependency("old", DependencyFlags.Less, shared)] : [],
                Obsoletes = i % 9 == 0 ? [new Dependency("older")] : [],
                Recommends = i % 11 == 0 ? [new Dependency("rec")] : [],
                Suggests = i % 12 == 0 ? [new Dependency("sug")] : [],
                Supplements = i % 13 == 0 ? [new Dependency("sup")] : [],
                Enhances = i % 14 == 0 ? [new Dependency("enh")] : [],
                Files = i % 15 == 0 ? [$"/usr/bin/p{i}", "/etc/" + new string('f', 200)] : [],
                Location = new PackageLocation($"Packages/p/pkg-{i}.rpm", "sha256", i.ToString("x64"), i * 1000L, i % 2 == 0 ? null : "https://example.org/"),
            });
        }

        return result;
    }
}
