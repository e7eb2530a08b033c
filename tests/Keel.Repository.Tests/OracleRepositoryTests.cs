using Keel.Repository.Definitions;
using Keel.Tests;

namespace Keel.Repository.Tests;

/// <summary>Loads the public rpm-md test repositories and compares with real dnf side by side.</summary>
public sealed class OracleRepositoryTests
{
    private static async Task<LoadedRepository> Load(string dir, RepositoryLoadOptions? options = null)
    {
        using var loader = new RepositoryLoader();
        return await loader.LoadAsync(new RepositoryDefinition { Id = "t", BaseUrls = [dir] }, options ?? new RepositoryLoadOptions { Cache = TestSupport.TempCache() });
    }

    [Theory]
    [InlineData("repo_00")]
    [InlineData("repo_02")]
    [InlineData("repo_03")]
    [InlineData("repo_04")]
    [InlineData("repo_koji_01")]
    [InlineData("repo_koji_02")]
    [InlineData("repo_with_additional_metadata")]
    [InlineData("repo_with_duplicate_packages")]
    public async Task CreaterepoRepositories_ListTheSamePackagesAsDnf(string name)
    {
        var dir = TestSupport.CreaterepoData(name);
        var repo = await Load(dir);
        Assert.Equal(TestSupport.DnfRepoQuery(dir), TestSupport.KeelRepoQuery(repo));

        // Every <package> of primary.xml is kept, duplicates included (dnf's output is a set of strings).
        var primary = repo.RepoMd.Find("primary")!;
        using (var s = Keel.Compression.Decompression.OpenFile(Path.Combine(dir, primary.Location)))
        using (var reader = new StreamReader(s))
        {
            var xml = await reader.ReadToEndAsync();
            Assert.Equal(System.Text.RegularExpressions.Regex.Count(xml, "<package type=\"rpm\">"), repo.Packages.Count);
        }

        Assert.All(repo.Packages, p => Assert.Equal("t", p.RepositoryId));
        Assert.All(repo.Packages, p => Assert.NotNull(p.Location?.Checksum));
    }

    [Fact]
    public async Task Repo01_PrimaryChecksumReallyMismatches_KeelRefusesLikeDnf()
    {
        // repo_01's repomd lists a primary checksum that the stored file does not have; dnf fails to load it too.
        var dir = TestSupport.CreaterepoData("repo_01");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Load(dir));
        Assert.Contains("primary.xml.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 6c662d665c24de9a0f62c17d8fa50622307739d7376f0d19097ca96c6d7f5e3e", ex.Message, StringComparison.Ordinal);
        Assert.Contains("actual 9c68df5cbd072fb786fa863a8560746cd7376a4ba39b9c294d06cfcb93c58ca0", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        // dnf skips the repository ("checksum doesn't match") and lists nothing from it.
        Assert.Empty(TestSupport.DnfRepoQuery(dir));
    }

    [Fact]
    public async Task Dnf5Repositories_AllLoad()
    {
        var root = TestPaths.Oracle("dnf5", "test", "data", "repos-repomd");
        var dirs = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(17, dirs.Length);
        foreach (var dir in dirs)
        {
            var repo = await Load(dir);
            Assert.Equal(TestSupport.DnfRepoQuery(dir), TestSupport.KeelRepoQuery(repo));
        }
    }

    [Fact]
    public async Task Dnf5Comps_GroupsAndEnvironmentsMatchTheXml()
    {
        var root = TestPaths.Oracle("dnf5", "test", "data", "repos-repomd");
        var core = await Load(Path.Combine(root, "repomd-comps-core"));
        var group = Assert.Single(core.Groups);
        Assert.Equal("core", group.Id);
        var minimal = await Load(Path.Combine(root, "repomd-comps-minimal-environment"));
        var env = Assert.Single(minimal.Environments);
        Assert.Equal("minimal-environment", env.Id);
    }

    [Fact]
    public async Task Dnf5Repo1_UpdateInfoAdvisoriesAndCves()
    {
        var repo = await Load(TestPaths.Oracle("dnf5", "test", "data", "repos-repomd", "repomd-repo1"));
        var xml = File.ReadAllText(TestPaths.Oracle("dnf5", "test", "data", "repos-repomd", "repomd-repo1", "repodata", "updateinfo.xml"));
        Assert.Equal(System.Text.RegularExpressions.Regex.Count(xml, "<update "), repo.Advisories.Count);
        var first = repo.Advisories[0];
        Assert.Equal("DNF-2019-1", first.Id);
        Assert.Equal("security", first.Type);
        Assert.Equal("moderate", first.Severity);
        Assert.Equal(new DateTimeOffset(2019, 2, 22, 15, 30, 1, TimeSpan.Zero), first.Issued);
        Assert.Equal(["pkg-1.2-3.x86_64", "filesystem-3.9-2.fc29.x86_64"], first.Packages.Select(p => p.Nevra));
        Assert.Equal("pkg-1.2-3.x86_64.rpm", first.Packages[0].FileName);
        Assert.Equal(["CVE-2999"], first.Cves);
    }

    [Fact]
    public async Task SignedRepomd_WithoutItsKey_IsRefusedAsUnknownKey()
    {
        // The key that signed repomd-repo1-gpg (01F76D0A2ECFAFB4) is not in the oracle tree; rpm's test key is not it.
        var dir = TestPaths.Oracle("dnf5", "test", "data", "repos-repomd", "repomd-repo1-gpg");
        using var loader = new RepositoryLoader();
        var def = new RepositoryDefinition
        {
            Id = "gpg",
            BaseUrls = [dir],
            RepoGpgCheck = true,
            GpgKeys = [TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub")],
        };
        var ex = await Assert.ThrowsAsync<Keel.Errors.SignatureException>(() => loader.LoadAsync(def, new RepositoryLoadOptions { Cache = TestSupport.TempCache() }));
        Assert.Contains("UnknownKey", ex.Message, StringComparison.Ordinal);
        Assert.Contains("repomd.xml", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Keel.Errors.ReasonCodes.SignatureInvalid, ex.Reason);
        Assert.EndsWith("repodata/repomd.xml", ex.Input, StringComparison.Ordinal);
        Assert.Matches("key [0-9a-fA-F]{16}", ex.Message);

        // Without repo_gpgcheck the same repository loads.
        var plain = await loader.LoadAsync(def with { RepoGpgCheck = false }, new RepositoryLoadOptions { Cache = TestSupport.TempCache() });
        Assert.Equal(3, plain.Packages.Count);
    }

    [Fact]
    public async Task RepoGpgCheck_WithoutSignatureFile_IsAClearError()
    {
        var dir = TestPaths.Oracle("dnf5", "test", "data", "repos-repomd", "repomd-repo1");
        using var loader = new RepositoryLoader();
        var def = new RepositoryDefinition { Id = "r1", BaseUrls = [dir], RepoGpgCheck = true, GpgKeys = [TestPaths.Oracle("rpm", "tests", "data", "keys", "rpm.org-rsa-2048-test.pub")] };
        var ex = await Assert.ThrowsAsync<Keel.Errors.SignatureException>(() => loader.LoadAsync(def, new RepositoryLoadOptions { Cache = TestSupport.TempCache() }));
        Assert.Contains("repomd.xml.asc: missing", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("repomd.xml.asc", ex.Input, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CentOsStream9BaseOs_CountEqualsDnfAndFilelistsJoin()
    {
        var dir = TestPaths.Oracle("osbuild-images", "test", "data", "testrepo");
        var repo = await Load(dir, new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeFilelists = true });
        var dnf = TestSupport.DnfRepoQuery(dir);
        Assert.Equal(dnf.Length, repo.Packages.Count);
        Assert.Equal(dnf, TestSupport.KeelRepoQuery(repo));
        Assert.True(repo.HasFullFilelists);
        var bash = repo.Packages.Single(p => p.Name == "bash");
        Assert.Contains("/usr/bin/bash", bash.Files);
        Assert.Contains("/usr/share/doc/bash", bash.Files);
        Assert.NotEmpty(repo.Groups);
        Assert.Contains(repo.Groups, g => g.Id == "core");
    }

    [Fact]
    public async Task CentOsStream9AppStream_PrimaryLoads_StubFilelistsFailOnOpenChecksum()
    {
        var dir = TestPaths.Oracle("osbuild", "test", "data", "testrepos", "appstream");
        var repo = await Load(dir);
        Assert.Equal(TestSupport.DnfRepoQuery(dir), TestSupport.KeelRepoQuery(repo));
        Assert.Equal(17649, repo.Packages.Count);
        Assert.NotEmpty(repo.Environments);

        // Upstream replaced filelists with a stub: the stored checksum matches, the open-checksum cannot.
        using var loader = new RepositoryLoader();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => loader.LoadFilelistsAsync(repo, new RepositoryLoadOptions { Cache = TestSupport.TempCache() }));
        Assert.Contains("filelists.xml.gz (decompressed, open-checksum)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected 98e9a2fa4d9193dad4cea8cc14915bb5ce80a197f43b1a6e51e8bc794d7c4708", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomZstdRepository_Loads()
    {
        var dir = TestPaths.Oracle("osbuild", "test", "data", "testrepos", "custom");
        var repo = await Load(dir, new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeFilelists = true });
        Assert.Equal(TestSupport.DnfRepoQuery(dir), TestSupport.KeelRepoQuery(repo));
    }

    [Fact]
    public async Task DependenciesAndFlags_ComeThroughFromPrimary()
    {
        var repo = await Load(TestPaths.Oracle("osbuild-images", "test", "data", "testrepo"));
        var bash = repo.Packages.Single(p => p.Name == "bash");
        Assert.Contains(bash.Provides, d => d.Name == "bash" && d.Flags == Keel.Packaging.DependencyFlags.Equal && d.Evr!.Version == "5.1.8");
        Assert.Contains(bash.Requires, d => d.Name == "filesystem" && d.Flags == (Keel.Packaging.DependencyFlags.Greater | Keel.Packaging.DependencyFlags.Equal) && d.Evr!.Version == "3");
        Assert.Contains(bash.Requires, d => d.Name == "rtld(GNU_HASH)" && d.Flags == Keel.Packaging.DependencyFlags.Any && d.Evr is null);
        Assert.Contains(repo.Packages.SelectMany(p => p.Requires), d => d.IsRich);
        Assert.Contains(repo.Packages.SelectMany(p => p.Requires), d => (d.Flags & Keel.Repository.Metadata.RpmMdFlags.PreRequire) != 0);
        Assert.Equal("bash-5.1.8-2.el9.src.rpm", bash.SourceRpm);
    }
}
