using Keel.Errors;
using Keel.TargetSystem.Repositories;

namespace Keel.TargetSystem.Tests;

public sealed class RepoFilesTests
{
    [Fact]
    public void A_repo_file_is_rendered_with_continuation_lines_and_written_0644()
    {
        using var t = new ScratchRoot();
        var text = RepoFiles.Render("base", [("baseurl", ["https://a/", "https://b/"]), ("enabled", ["1"])], "test", "made here");
        RepoFiles.Write(t.Root, "/etc/yum.repos.d/base.repo", text);

        Assert.Equal("# made here\n[base]\nbaseurl=https://a/\n        https://b/\nenabled=1\n", t["/etc/yum.repos.d/base.repo"]);
        Assert.Equal("0:0 644 regular file", t.Stat("/etc/yum.repos.d/base.repo"));
    }

    [Theory]
    [InlineData("a]b", "baseurl", "x")]
    [InlineData("../x", "baseurl", "x")]
    [InlineData("ok", "base url", "x")]
    [InlineData("ok", "baseurl", "x\n[evil]")]
    public void Ids_keys_and_values_that_could_start_a_new_line_or_section_are_refused(string id, string key, string value)
    {
        var ex = Assert.Throws<InvalidDataException>(() => RepoFiles.Render(id, [(key, [value])], "yum_repos.x"));
        Assert.StartsWith("yum_repos.x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_at_the_repo_file_is_refused()
    {
        using var t = new ScratchRoot();
        var shadow = t["/etc/shadow"];
        Directory.CreateDirectory(t.Host("/etc/yum.repos.d"));
        File.CreateSymbolicLink(t.Host("/etc/yum.repos.d/base.repo"), "/etc/shadow");

        Assert.Throws<UnsafePathException>(() => RepoFiles.Write(t.Root, "/etc/yum.repos.d/base.repo", "[base]\n"));
        Assert.Equal(shadow, t["/etc/shadow"]);
    }
}
