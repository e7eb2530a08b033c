using System.Net;
using System.Net.Sockets;
using Keel.Processes;

namespace Keel.Cli.Tests;

/// <summary>`keel config validate` and `keel plan` report what the engine would refuse, with FILE:LINE:COL, and fetch nothing.</summary>
public sealed class RefusalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-cli-refusal-").FullName;

    // A repository "server" that listens but never answers: any attempt to fetch metadata or keys leaves a pending connection.
    private readonly TcpListener _repository = new(IPAddress.Loopback, 0);

    public RefusalCommandTests() => _repository.Start();

    private int Port => ((IPEndPoint)_repository.LocalEndpoint).Port;

    public void Dispose()
    {
        _repository.Stop();
        Directory.Delete(_dir, recursive: true);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "config.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    // The minimal preset from a repository on the listening port, plus EXTRA top-level keys.
    private string WriteMinimal(string extra) => Write($"""
        apiVersion: keel/v1
        distribution: fixture
        preset: minimal
        repositories:
          - id: r
            baseurl: http://127.0.0.1:{Port}/repo
            gpgcheck: false

        """ + extra);

    [Fact]
    public async Task Validate_reports_grub2_and_key_urls_with_line_and_column_and_fetches_nothing()
    {
        var config = Write($"""
            apiVersion: keel/v1
            distribution: fixture
            preset: minimal
            bootloader: grub2
            packages:
              include: ["@container-host", "podman*"]
            repositories:
              - id: plain
                baseurl: http://127.0.0.1:{Port}/repo
                gpgkeys: [http://127.0.0.1:{Port}/key.asc]
              - id: tls
                baseurl: https://127.0.0.1:{Port}/repo
                gpgkeys: [https://127.0.0.1:{Port}/key.asc]
            """);

        var (exit, stdout, _) = await CliRunner.RunAsync("config", "validate", config);

        Assert.Equal(1, exit);
        var errors = stdout.Split('\n').Where(l => l.Contains(": error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [$"{config}:4:13: error: bootloader:", $"{config}:10:15: error: repositories[0].gpgkeys[0]:", $"{config}:13:15: error: repositories[1].gpgkeys[0]:"],
            errors.Select(e => e[..(e.IndexOf(':', config.Length + 20) + 1)]));
        Assert.False(_repository.Pending(), "validation connected to the repository");
    }

    [Fact]
    public async Task Plan_for_a_4K_sector_device_reports_the_sector_size_and_fetches_nothing_even_with_encryption()
    {
        var config = WriteMinimal("""
            storage:
              encryption:
                keyFile: key.bin
            """);
        File.WriteAllText(Path.Combine(_dir, "key.bin"), "a key file long enough for LUKS");
        var backing = SparseDisk();

        var device = (await Run("losetup", "--find", "--show", "--sector-size", "4096", backing)).Trim();
        try
        {
            var (exit, stdout, stderr) = await CliRunner.RunAsync("plan", config, "--device", device);

            Assert.Equal(1, exit);
            Assert.Empty(stdout);
            Assert.Equal(
                [
                    $"{config}:9:3: error: storage: {device}: logical sector size 4096 is not supported (only 512-byte sectors) (use a disk with 512-byte logical sectors; 512e disks are fine)",
                    $"keel: {config} cannot be installed onto {device}",
                ],
                stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(_repository.Pending(), "plan connected to the repository");
        }
        finally
        {
            await Run("losetup", "-d", device);
        }
    }

    [Fact]
    public async Task Install_onto_a_4K_sector_device_is_refused_before_anything_is_downloaded()
    {
        var config = WriteMinimal("");
        var backing = SparseDisk();

        var device = (await Run("losetup", "--find", "--show", "--sector-size", "4096", backing)).Trim();
        try
        {
            var (exit, stdout, stderr) = await CliRunner.RunAsync("install", config, "--device", device, "--yes", "--progress", "json");

            Assert.Equal(1, exit);
            Assert.Empty(stdout);
            Assert.Equal(
                [
                    $"{config}:1:1: error: storage: {device}: logical sector size 4096 is not supported (only 512-byte sectors) (use a disk with 512-byte logical sectors; 512e disks are fine)",
                    $"keel: {config} cannot be installed onto {device}",
                ],
                stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(_repository.Pending(), "install connected to the repository");
        }
        finally
        {
            await Run("losetup", "-d", device);
        }
    }

    [Fact]
    public async Task Plan_for_a_device_with_512_byte_sectors_and_no_encryption_prints_the_plan()
    {
        var config = WriteMinimal("");
        var backing = SparseDisk();

        var (exit, stdout, stderr) = await CliRunner.RunAsync("plan", config, "--device", backing);

        Assert.True(exit == 0, stderr);
        Assert.Contains("packages.resolve", stdout, StringComparison.Ordinal);
        Assert.False(_repository.Pending(), "plan connected to the repository");
    }

    private static async Task<string> Run(string tool, params string[] args) =>
        (await ToolRunner.RunAsync(tool, args, null, CancellationToken.None)).Output;

    private string SparseDisk()
    {
        var backing = Path.Combine(_dir, "disk.img");
        using var f = File.Create(backing);
        f.SetLength(4L << 30);
        return backing;
    }
}
