using Keel.Config.Loading;

namespace Keel.Config.Tests;

public class DiagnosticTests
{
    private const string Bad = """
        apiVersion: keel/v1
        distribution: fixture
        preset: containr-host
        hostnme: box
        arch: x86-64
        storage:
          partitions:
            - mountPoint: /boot/efi
              size: 512M
              fs: vfat
            - mountPoint: /
              grow: true
            - mountPoint: /
              size: 1GiB
              grow: yes
        timezone: Europe/Berln
        users:
          - name: Alice
            passwordHash: hunter2
        ssh:
          permitRootLogin: prohibit_password
        """;

    private static ConfigDiagnostic Find(string path) => Assert.Single(ConfigFixtures.Errors(Bad), d => d.Path == path);

    [Theory]
    [InlineData("preset", 3, 9, "did you mean 'container-host'?")]
    [InlineData("hostnme", 4, 1, "did you mean 'hostname'?")]
    [InlineData("arch", 5, 7, "did you mean 'x86_64'?")]
    [InlineData("storage.partitions[0].size", 9, 13, "did you mean '512MiB'?")]
    [InlineData("storage.partitions[2].grow", 15, 13, "did you mean 'true'?")]
    [InlineData("timezone", 16, 11, "did you mean 'Europe/Berlin'?")]
    [InlineData("users[0].name", 18, 11, "did you mean 'alice'?")]
    [InlineData("ssh.permitRootLogin", 21, 20, "did you mean 'prohibit-password'?")]
    public void Error_has_line_column_path_and_hint(string path, int line, int column, string hint)
    {
        var d = Find(path);
        Assert.Equal((line, column), (d.Line, d.Column));
        Assert.StartsWith(hint, d.Hint);
    }

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        var errors = ConfigFixtures.Errors(Bad);
        Assert.Contains(errors, d => d.Path == "storage.partitions[2].mountPoint" && d.Message.Contains("already the mount point", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.Path == "users[0].passwordHash");
        Assert.True(errors.Count >= 10, string.Join("\n", errors.Select(e => e.Format("bad"))));
    }

    [Fact]
    public void Layout_rules()
    {
        var errors = ConfigFixtures.Errors("""
            apiVersion: keel/v1
            distribution: fixture
            storage:
              partitions:
                - mountPoint: /
                  size: 4GiB
                  grow: true
                - mountPoint: var
                  size: 1GiB
                  grow: true
            """);
        Assert.Contains(errors, d => d.Path == "storage.partitions[1].grow" && d.Message.Contains("only one partition may grow", StringComparison.Ordinal));
        Assert.Contains(errors, d => d.Path == "storage.partitions" && d.Message.Contains("EFI system partition", StringComparison.Ordinal));
        var mount = Assert.Single(errors, d => d.Path == "storage.partitions[1].mountPoint");
        Assert.Equal("did you mean '/var'?", mount.Hint);
        Assert.Equal((8, 19), (mount.Line, mount.Column));

        var none = ConfigFixtures.Errors("apiVersion: keel/v1\ndistribution: fixture\nstorage:\n  partitions:\n    - {mountPoint: /boot/efi, fs: vfat, size: 512MiB}\n    - {mountPoint: /, size: 2GiB}\n");
        Assert.Contains(none, d => d.Message.Contains("no partition grows", StringComparison.Ordinal));
    }

    [Fact]
    public void Wrong_shapes_and_missing_keys()
    {
        var errors = ConfigFixtures.Errors("""
            apiVersion: keel/v1
            distribution: fixture
            packages:
              include: podman
            repositories:
              - baseurl: https://example.com/repo
                gpgcheck: false
                repo_gpgcheck: true
            users: alice
            """);
        Assert.Equal("write it as a list: [podman]", Assert.Single(errors, d => d.Path == "packages.include").Hint);
        var missing = Assert.Single(errors, d => d.Path == "repositories[0]");
        Assert.Equal("missing required key 'id'", missing.Message);
        Assert.Equal((6, 5), (missing.Line, missing.Column));
        Assert.Equal("did you mean 'repoGpgcheck'?", Assert.Single(errors, d => d.Path == "repositories[0].repo_gpgcheck").Hint);
        Assert.Contains(errors, d => d.Path == "users" && d.Message.StartsWith("expected a list", StringComparison.Ordinal));
    }

    [Fact]
    public void Unsupported_api_version_and_malformed_yaml()
    {
        var v2 = ConfigLoader.Parse("apiVersion: keel/v2\n", "x.yaml", "/");
        Assert.True(v2.Unsupported);
        Assert.Equal((1, 13), (v2.Diagnostics[0].Line, v2.Diagnostics[0].Column));

        var broken = ConfigLoader.Parse("apiVersion: keel/v1\nusers:\n  - name: a\n   bad: [\n", "x.yaml", "/");
        Assert.False(broken.Unsupported);
        var d = Assert.Single(broken.Diagnostics);
        Assert.StartsWith("malformed YAML", d.Message);
        Assert.True(d.Line >= 3, d.Format("x.yaml"));

        var missing = ConfigLoader.Parse("preset: minimal\n", "x.yaml", "/");
        Assert.Contains(missing.Diagnostics, x => x.Message == "missing required key 'apiVersion'");
    }

    [Fact]
    public void Deep_nesting_is_refused_before_building_the_tree()
    {
        var deep = "apiVersion: keel/v1\nfiles: " + new string('[', 200) + new string(']', 200) + "\n";
        var result = ConfigLoader.Parse(deep, "x.yaml", "/");
        Assert.Contains("nesting deeper", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void Suggestion_distance_counts_a_transposition_once()
    {
        Assert.Equal(1, Suggestions.Distance("hsotname", "hostname"));
        Assert.Equal(3, Suggestions.Distance("kitten", "sitting"));
        Assert.Null(Suggestions.Closest("zzzzzz", ["hostname", "locale"]));
    }
}
