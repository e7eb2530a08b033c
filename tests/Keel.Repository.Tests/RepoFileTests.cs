using Keel.Repository.Definitions;

namespace Keel.Repository.Tests;

/// <summary>.repo files as users write them.</summary>
public sealed class RepoFileTests
{
    private static readonly RepoVariables Vars = RepoVariables.ForArch("x86_64", "4.0").With("contentdir", "pub");

    [Fact]
    public void Sections_Defaults_Substitution_AndLists()
    {
        const string text = """
            # Azure Linux style
            [main]
            gpgcheck=1

            [base]
            name=Base $releasever - $basearch
            baseurl=https://mirror.example/${contentdir}/$releasever/base/$basearch/
                    https://backup.example/$releasever/base/$arch/,file:///srv/mirror/base
            gpgkey=file:///etc/pki/rpm-gpg/KEY-1
              https://mirror.example/KEY-2
            repo_gpgcheck=yes
            priority=10
            exclude=kernel* foo-debug
            skip_if_unavailable=True
            module_hotfixes=1

            ; a disabled one with dnf's defaults
            [extras]
            baseurl=http://extras.example/$unknownvar/
            enabled=0
            includepkgs=bar,baz
            cost=500
            """;
        var defs = RepoFileParser.Parse(text, "azl.repo", Vars);
        Assert.Equal(["base", "extras"], defs.Select(d => d.Id));
        var b = defs[0];
        Assert.Equal("Base 4.0 - x86_64", b.Name);
        Assert.Equal(["https://mirror.example/pub/4.0/base/x86_64/", "https://backup.example/4.0/base/x86_64/", "file:///srv/mirror/base"], b.BaseUrls);
        Assert.Equal(["file:///etc/pki/rpm-gpg/KEY-1", "https://mirror.example/KEY-2"], b.GpgKeys);
        Assert.True(b.GpgCheck);
        Assert.True(b.RepoGpgCheck);
        Assert.True(b.Enabled);
        Assert.True(b.SkipIfUnavailable);
        Assert.Equal(10, b.Priority);
        Assert.Equal(RepositoryDefinition.DefaultCost, b.Cost);
        Assert.Equal(["kernel*", "foo-debug"], b.Excludes);
        Assert.Equal("azl.repo:5", b.Origin);

        var e = defs[1];
        Assert.False(e.Enabled);
        Assert.Equal(["http://extras.example/$unknownvar/"], e.BaseUrls);
        Assert.Equal(RepositoryDefinition.DefaultPriority, e.Priority);
        Assert.Equal(500, e.Cost);
        Assert.Equal(["bar", "baz"], e.Includes);
        Assert.True(e.GpgCheck);
        Assert.False(e.RepoGpgCheck);
    }

    [Theory]
    [InlineData("[a]\nbaseurl=/x\nthis line is wrong\n", "r.repo:3:")]
    [InlineData("baseurl=/x\n", "r.repo:1:")]
    [InlineData("[a\nbaseurl=/x\n", "r.repo:1:")]
    [InlineData("[a]\nbaseurl=/x\npriority=high\n", "r.repo:3:")]
    [InlineData("[a]\nbaseurl=/x\nenabled=maybe\n", "r.repo:3:")]
    [InlineData("[a]\nbaseurl=/x\n[a]\nbaseurl=/y\n", "r.repo:3:")]
    [InlineData("[a]\nname=no url\n", "r.repo:1:")]
    public void MalformedLines_NameFileAndLine(string text, string where)
    {
        var ex = Assert.Throws<FormatException>(() => RepoFileParser.Parse(text, "r.repo", Vars));
        Assert.StartsWith(where, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("mirrorlist=https://mirrors.example/list")]
    [InlineData("metalink=https://mirrors.example/metalink?repo=x")]
    public void MirrorlistOrMetalinkWithoutBaseurl_IsNotSupported(string line)
    {
        var ex = Assert.Throws<NotSupportedException>(() => RepoFileParser.Parse($"[m]\nname=M\n{line}\n", "m.repo", Vars));
        Assert.Contains("m.repo:3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("baseurl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MirrorlistBesideBaseurl_UsesTheBaseurl()
    {
        var d = Assert.Single(RepoFileParser.Parse("[m]\nbaseurl=/srv/m\nmirrorlist=https://x/list\n", "m.repo", Vars));
        Assert.Equal(["/srv/m"], d.BaseUrls);
    }

    [Fact]
    public void CommandLineSpecs_IdsAndSchemes()
    {
        var taken = new HashSet<string>();
        Assert.Equal("repo_02", RepositorySpec.Parse("/data/repo_02/", taken).Id);
        Assert.Equal("repo_02-2", RepositorySpec.Parse("/other/repo_02", taken).Id);
        var named = RepositorySpec.Parse("base=https://mirror.example/base/x86_64", taken);
        Assert.Equal("base", named.Id);
        Assert.Equal(["https://mirror.example/base/x86_64"], named.BaseUrls);
        Assert.Equal("/a=b", RepositorySpec.Parse("/a=b", taken).BaseUrls[0]);
        Assert.Throws<NotSupportedException>(() => RepositorySpec.Parse("ftp://x/y", taken));
        Assert.Throws<FormatException>(() => RepositorySpec.Parse("base=/elsewhere", taken));
    }

    [Fact]
    public async Task RepoFileExcludes_AreAppliedWhenLoading()
    {
        var dir = Keel.Tests.TestPaths.Oracle("osbuild-images", "test", "data", "testrepo");
        var defs = RepoFileParser.Parse($"[bo]\nbaseurl=file://{dir}\nexclude=bash* kernel\n", "t.repo", Vars);
        using var loader = new RepositoryLoader();
        var repo = await loader.LoadAsync(defs[0], new RepositoryLoadOptions { Cache = TestSupport.TempCache(), IncludeComps = false });
        Assert.DoesNotContain(repo.Packages, p => p.Name.StartsWith("bash", StringComparison.Ordinal) || p.Name == "kernel");
        Assert.Contains(repo.Packages, p => p.Name == "kernel-core");
        Assert.Equal(1125 - 3, repo.Packages.Count);
    }
}
