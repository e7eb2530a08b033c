using Keel.Tests;

namespace Keel.Cli.Tests;

/// <summary>`keel build` and `keel install` before the engine runs: confirmation, refusals, bad options, all one line and non-zero.</summary>
public sealed class EngineCommandTests
{
    private static string Example(string name) => Path.Combine(TestPaths.RepoRoot, "examples", "fixture", name);

    [Fact]
    public async Task Install_without_yes_and_without_a_terminal_writes_nothing()
    {
        // Test runners have no terminal on stdin, so there is nobody to ask; the disk passes every check first.
        var backing = Path.Combine(Path.GetTempPath(), "keel-cli-confirm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var loop = new LoopDevice(backing, 3L << 30);
            var (exit, _, stderr) = await CliRunner.RunAsync("install", Example("minimal.yaml"), "--device", loop.Device);
            Assert.Equal(1, exit);
            Assert.Equal($"keel: not confirmed; nothing was written to {loop.Device} (pass --yes to skip the question)", stderr.Trim());
            using var f = File.OpenRead(backing);
            var head = new byte[1 << 20];
            f.ReadExactly(head);
            Assert.All(head, b => Assert.Equal(0, b));
        }
        finally
        {
            File.Delete(backing);
        }
    }

    [Fact]
    public async Task Install_refuses_a_device_that_is_not_a_disk()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("install", Example("minimal.yaml"), "--device", "/dev/null", "--yes", "--progress", "plain");
        Assert.Equal(1, exit);
        Assert.Equal("keel: /dev/null: is a character special file, not a block device", stderr.Trim());
    }

    [Fact]
    public async Task Build_with_a_repo_that_is_not_a_repository_says_how_to_make_one()
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-cli-norepo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var (exit, _, stderr) = await CliRunner.RunAsync("build", Example("minimal.yaml"), "-o", Path.Combine(dir, "x.raw"), "--repo", dir);
            Assert.Equal(1, exit);
            Assert.Equal($"keel: --repo {dir}: not a repository (no repodata/repomd.xml); build the fixture with tests/fixture-distro/build.sh {dir}", stderr.Trim());
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Build_with_a_pin_or_signing_key_that_cannot_be_used_is_one_line_and_writes_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-cli-pin-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var missing = Path.Combine(dir, "image.json");
            var (exit, _, stderr) = await CliRunner.RunAsync("build", Example("minimal.yaml"), "-o", Path.Combine(dir, "x.raw"), "--pin", missing);
            Assert.NotEqual(0, exit);
            Assert.Equal($"keel: {missing}: no such image manifest", stderr.Trim());

            var notAKey = Path.Combine(dir, "key.asc");
            await File.WriteAllTextAsync(notAKey, "not a key\n");
            (exit, _, stderr) = await CliRunner.RunAsync("build", Example("minimal.yaml"), "-o", Path.Combine(dir, "x.raw"), "--signing-key", notAKey);
            Assert.NotEqual(0, exit);
            Assert.StartsWith($"keel: {notAKey}: holds no OpenPGP secret key gpg can import (export it with gpg --armor --export-secret-keys", stderr.Trim());
            Assert.DoesNotContain("\n", stderr.Trim());
            Assert.Equal(["key.asc"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Build_needs_an_output_and_knows_its_formats()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("build", Example("minimal.yaml"), "-o", "x.img", "--format", "iso");
        Assert.Equal(1, exit);
        Assert.Contains("iso", stderr, StringComparison.Ordinal);
        (exit, _, stderr) = await CliRunner.RunAsync("build", Example("minimal.yaml"));
        Assert.NotEqual(0, exit);
        Assert.Contains("--output", stderr, StringComparison.Ordinal);
    }
}
