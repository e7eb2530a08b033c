using System.Text.Json;
using Keel.Tests;

namespace Keel.Cli.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-cli-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Example(string name) => Path.Combine(TestPaths.RepoRoot, "examples", "fixture", name);

    [Theory]
    [InlineData("minimal.yaml")]
    [InlineData("container-host.yaml")]
    [InlineData("developer-workstation.yaml")]
    public async Task The_fixture_examples_are_valid(string name)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("config", "validate", Example(name));
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("valid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_carry_line_column_path_and_a_hint()
    {
        var file = Path.Combine(_dir, "bad.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: keel/v1\npreset: container-host\nhostnme: web1\n");
        var (exit, stdout, stderr) = await CliRunner.RunAsync("config", "validate", file);
        Assert.Equal(1, exit);
        Assert.Contains($"{file}:3:1: error: hostnme: unknown key 'hostnme' (did you mean 'hostname'?)", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_api_version_is_a_usage_error()
    {
        var file = Path.Combine(_dir, "v2.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: keel/v2\npreset: minimal\n");
        var (exit, _, _) = await CliRunner.RunAsync("config", "validate", file);
        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Plan_lists_the_destructive_steps_without_touching_the_output()
    {
        var output = Path.Combine(_dir, "disk.qcow2");
        var (exit, stdout, stderr) = await CliRunner.RunAsync("plan", Example("container-host.yaml"), "-o", output, "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var json = doc.RootElement.ToString();
        Assert.Contains("storage.partition", json, StringComparison.Ordinal);
        Assert.Contains("packages.install", json, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
