using Keel.Errors;
using Keel.Media;
using Keel.Tests;

namespace Keel.Installer.Tests;

/// <summary>The installer's stages up to the plan, on a tiny medium signed by a throwaway key: nothing here installs.</summary>
public sealed class LiveInstallerTests : IClassFixture<LiveInstallerTests.Signers>, IDisposable
{
    private readonly Signers _signers;
    private readonly TestMedium _medium;
    private readonly string _state = Directory.CreateTempSubdirectory("keel-installer-state").FullName;
    private readonly StringWriter _output = new();
    private readonly RecordingPower _power = new();

    public LiveInstallerTests(Signers signers)
    {
        _signers = signers;
        _medium = new TestMedium(TestMedium.Info(keyId: signers.Medium.KeyId[^16..]));
        _medium.Sign(signers.Medium);
    }

    /// <summary>Two throwaway keys for the class: the medium's and another one.</summary>
    public sealed class Signers : IDisposable
    {
        public TestSigner Medium { get; } = TestSigner.Throwaway();

        public TestSigner Other { get; } = TestSigner.Throwaway();

        public void Dispose()
        {
            Medium.Dispose();
            Other.Dispose();
        }
    }

    public void Dispose()
    {
        _medium.Dispose();
        Directory.Delete(_state, true);
    }

    private string Output => _output.ToString();

    private async Task<int> RunAsync(string cmdline = "BOOT_IMAGE=/vmlinuz ro", string? key = null, bool dryRun = false, string input = "", string progress = "plain")
    {
        var cmdlineFile = Path.Combine(_state, "cmdline");
        File.WriteAllText(cmdlineFile, cmdline + "\n");
        var options = new InstallerOptions
        {
            MediumDirectory = _medium.Root,
            KeyFile = key ?? _signers.Medium.PublicKeyFile,
            CommandLineFile = cmdlineFile,
            StateDirectory = _state,
            EfiVariables = Path.Combine(_state, "no-efivars"),
            AllowPowerActions = true,
            DryRun = dryRun,
            Progress = progress,
        };
        return await new LiveInstaller(options, new InstallerHost(_output, new StringReader(input), new FakeSystem(), _power)).RunAsync(default);
    }

    [Fact]
    public async Task Without_a_config_it_verifies_the_medium_says_how_to_give_one_and_exits_0()
    {
        Assert.Equal(0, await RunAsync());
        Assert.Contains($"medium verified: 2 files, signed by {_signers.Medium.KeyId[^16..]}\n", Output, StringComparison.Ordinal);
        Assert.Contains("verifying the medium: 100% (", Output, StringComparison.Ordinal);
        Assert.Contains("No install config was found", Output, StringComparison.Ordinal);
        Assert.Empty(_power.Actions);
    }

    [Fact]
    public async Task A_changed_file_stops_before_anything_else_naming_it()
    {
        File.AppendAllText(Path.Combine(_medium.Root, "repo", "README"), "x");
        _medium.Customize(MediumLayout.CustomConfig, "apiVersion: keel/v1\n");
        Assert.Equal(ExitCodes.Failed, await RunAsync("keel.autoinstall"));
        Assert.Contains("medium verification FAILED: repo/README: size 33 differs from the signed manifest's 32\n", Output, StringComparison.Ordinal);
        Assert.DoesNotContain("medium verified", Output, StringComparison.Ordinal);
        Assert.DoesNotContain("config:", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_medium_signed_by_another_key_fails_on_its_manifest_signature()
    {
        Assert.Equal(ExitCodes.Failed, await RunAsync(key: _signers.Other.PublicKeyFile));
        Assert.Contains("medium verification FAILED: keel/manifest.asc: the medium's manifest signature is not valid", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_file_added_to_the_medium_fails_the_check()
    {
        File.WriteAllText(Path.Combine(_medium.Root, "repo", "extra.rpm"), "not signed");
        Assert.Equal(ExitCodes.Failed, await RunAsync());
        Assert.Contains("medium verification FAILED: repo/extra.rpm: is on the medium but not in its signed manifest", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_that_does_not_validate_is_one_line_naming_its_source()
    {
        _medium.Customize(MediumLayout.CustomConfig, "apiVersion: keel/v1\nkind: Machine\nhostname: [not, a, name]\n");
        Assert.Equal(ExitCodes.Failed, await RunAsync());
        var line = Output.Split('\n').Single(l => l.StartsWith("config from ", StringComparison.Ordinal));
        Assert.StartsWith($"config from the medium ({MediumLayout.CustomConfig}) is invalid: {Path.Combine(_medium.Root, MediumLayout.CustomConfig)}:3:", line, StringComparison.Ordinal);
        Assert.EndsWith("nothing was written to any disk\n", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_medium_s_cmdline_customization_is_read_after_the_kernel_s()
    {
        var config = _medium.Customize("keel/custom/other.yaml", "apiVersion: keel/v1\nkind: Machine\nhostname: [x]\n");
        _medium.Customize("keel/custom/cmdline", $"keel.config={config} keel.ui=text\n");
        Assert.Equal(ExitCodes.Failed, await RunAsync());
        Assert.Contains($"keel.config={config} keel.repo=(none) keel.autoinstall=no keel.ui=text (with keel/custom/cmdline)", Output, StringComparison.Ordinal);
        Assert.Contains($"config from keel.config={config} is invalid", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_is_a_verification_failure()
    {
        Assert.Equal(ExitCodes.Failed, await RunAsync(key: Path.Combine(_state, "none.asc")));
        Assert.Contains($"medium verification FAILED: {Path.Combine(_state, "none.asc")}: ", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_medium_leaves_the_selected_loop_device_all_zeros()
    {
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 64L << 20);
        _medium.Customize(MediumLayout.CustomConfig, $"apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: container-host\nstorage:\n  disk: {loop.Device}\ninstall:\n  confirm: false\n");
        File.WriteAllText(Path.Combine(_medium.Root, "keel", "medium.json"), "{}");
        Assert.Equal(ExitCodes.Failed, await RunAsync("keel.autoinstall"));
        Assert.Contains("medium verification FAILED: keel/medium.json: ", Output, StringComparison.Ordinal);
        await using var disk = File.OpenRead(loop.Device);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = await disk.ReadAsync(buffer)) > 0)
        {
            Assert.True(buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) < 0, "the loop device was written");
        }
    }

    [Fact]
    public async Task A_dry_run_shows_the_plan_for_the_selected_disk_and_writes_nothing()
    {
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 3089L << 20);
        _medium.Customize(MediumLayout.CustomConfig,
            "apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: container-host\nstorage:\n  disk: {transport: loop, minSize: 3089MiB, maxSize: 3089MiB}\n");
        Assert.Equal(0, await RunAsync(dryRun: true));
        Assert.Contains($"target disk: {loop.Device} (the one disk storage.disk selects)", Output, StringComparison.Ordinal);
        Assert.Contains("no online repository configured: using the medium's repository", Output, StringComparison.Ordinal);
        Assert.Contains($"Target: device {loop.Device}", Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[install.record]", Output, StringComparison.Ordinal);
        Assert.EndsWith($"dry run: nothing was written to {loop.Device}\n", Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_state, "install.log")));
    }

    [Fact]
    public async Task Asked_once_and_not_confirmed_nothing_is_written()
    {
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 3089L << 20);
        _medium.Customize(MediumLayout.CustomConfig,
            "apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: minimal\nstorage:\n  disk: {transport: loop, minSize: 3089MiB, maxSize: 3089MiB}\n");
        Assert.Equal(ExitCodes.Failed, await RunAsync(input: "n\ny\n"));
        Assert.Contains($"Erase everything on {loop.Device} and install? [y/N] ", Output, StringComparison.Ordinal);
        Assert.EndsWith($"not confirmed: nothing was written to {loop.Device}\n", Output, StringComparison.Ordinal);
        await using var disk = File.OpenRead(loop.Device);
        var buffer = new byte[1 << 20];
        Assert.Equal(buffer.Length, await disk.ReadAsync(buffer));
        Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the loop device was written");
        Assert.Empty(_power.Actions);
    }

    [Fact]
    public async Task With_json_progress_every_console_line_is_a_json_object()
    {
        Assert.Equal(0, await RunAsync(progress: "json"));
        var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var messages = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()).ToList();
        Assert.Contains($"medium verified: 2 files, signed by {_signers.Medium.KeyId[^16..]}", messages);
        Assert.Contains(messages, m => m!.StartsWith("No install config was found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failure_before_the_disk_steps_says_the_disk_is_untouched()
    {
        // The tiny medium has no repository: packages.resolve fails, long before storage.partition.
        using var loop = new LoopDevice(Path.Combine(_state, "disk"), 3089L << 20);
        _medium.Customize(MediumLayout.CustomConfig,
            "apiVersion: keel/v1\nkind: Machine\ndistribution: fixture\npreset: minimal\nstorage:\n  disk: {transport: loop, minSize: 3089MiB, maxSize: 3089MiB}\n");
        Assert.Equal(ExitCodes.Failed, await RunAsync("keel.autoinstall"));
        Assert.Contains("install FAILED: ", Output, StringComparison.Ordinal);
        Assert.EndsWith("nothing was written to any disk\n", Output, StringComparison.Ordinal);
        await using var disk = File.OpenRead(loop.Device);
        var buffer = new byte[1 << 20];
        Assert.Equal(buffer.Length, await disk.ReadAsync(buffer));
        Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0) < 0, "the loop device was written");
        Assert.Empty(_power.Actions);
    }
}
