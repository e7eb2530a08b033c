using Keel.Cli;

namespace Keel.Sbom.Tests;

/// <summary>`keel sbom` end to end: output file, stdout, errors.</summary>
public sealed class SbomCommandTests(InstalledRootFixture fixture) : IClassFixture<InstalledRootFixture>
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await KeelCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Output_IsWrittenToTheFile_AndEqualsStdout()
    {
        var dir = Directory.CreateTempSubdirectory("keel-sbom-out-").FullName;
        try
        {
            var file = Path.Combine(dir, "image.cdx.json");
            var (exit, _, stderr) = await RunAsync("sbom", "--root", fixture.Root, "--format", "cyclonedx-json", "-o", file);
            Assert.True(exit == 0, stderr);
            Assert.Equal([file], Directory.GetFiles(dir)); // no temporary file left beside it
            var (_, stdout, _) = await RunAsync("sbom", "--root", fixture.Root, "--format", "cyclonedx-json");
            Assert.Equal(await File.ReadAllTextAsync(file), stdout);
            Assert.Empty(SchemaValidator.CycloneDx16().Errors(await File.ReadAllBytesAsync(file)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task BadInput_IsOneLineNamingIt_AndWritesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("keel-sbom-out-").FullName;
        try
        {
            var (exit, _, stderr) = await RunAsync("sbom", "--root", dir, "--format", "spdx-json", "-o", Path.Combine(dir, "x.json"));
            Assert.Equal(1, exit);
            Assert.Equal($"keel: root {dir}: no rpmdb in usr/lib/sysimage/rpm or var/lib/rpm", stderr.Trim());
            Assert.Empty(Directory.GetFiles(dir));

            (exit, _, _) = await RunAsync("sbom", "--root", fixture.Root, "--format", "spdx-tag-value");
            Assert.Equal(1, exit);
            (exit, _, stderr) = await RunAsync("sbom", "--format", "spdx-json");
            Assert.NotEqual(0, exit);
            Assert.Contains("--root", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
