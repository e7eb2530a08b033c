using Keel.Errors;
using Keel.Media;

namespace Keel.Installer.Tests;

public sealed class ConfigDiscoveryTests : IDisposable
{
    private readonly string _medium = Directory.CreateTempSubdirectory("keel-discovery-medium").FullName;
    private readonly string _state = Directory.CreateTempSubdirectory("keel-discovery-state").FullName;
    private readonly FakeSystem _system = new();

    public void Dispose()
    {
        Directory.Delete(_medium, true);
        Directory.Delete(_state, true);
    }

    private ConfigDiscovery Discovery(TimeSpan? timeout = null, int maxBytes = 1024 * 1024) =>
        new(_system, new InstallerOptions { StateDirectory = _state, ConfigTimeout = timeout ?? TimeSpan.FromSeconds(10), MaxConfigBytes = maxBytes });

    private static InstallerArguments Args(string? config = null) => new(config, null, false, null);

    private string Embed() => WriteFile(Path.Combine(_medium, MediumLayout.CustomConfig), "embedded");

    private void Stick(string device = "/dev/sdz1") =>
        (_system.Labels.TryGetValue("KEELCFG", out var l) ? l : _system.Labels["KEELCFG"] = []).Add(device);

    private static string WriteFile(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task The_command_line_comes_first_then_the_medium_then_the_stick()
    {
        var live = WriteFile(Path.Combine(_state, "live.yaml"), "live");
        Embed();
        Stick();
        _system.FatFiles[("/dev/sdz1", "keel.yaml")] = "stick";

        var first = await Discovery().FindAsync(_medium, Args(live), default);
        Assert.Equal(live, first!.Path);
        Assert.Equal($"keel.config={live}", first.Origin);

        var second = await Discovery().FindAsync(_medium, Args(), default);
        Assert.Equal("embedded", File.ReadAllText(second!.Path));
        Assert.Contains(MediumLayout.CustomConfig, second.Origin, StringComparison.Ordinal);

        File.Delete(Path.Combine(_medium, MediumLayout.CustomConfig));
        var third = await Discovery().FindAsync(_medium, Args(), default);
        Assert.Equal("stick", File.ReadAllText(third!.Path));
        Assert.Equal("keel.yaml on /dev/sdz1 (label KEELCFG)", third.Origin);
    }

    [Fact]
    public async Task No_config_anywhere_is_null_and_the_help_names_the_three_ways()
    {
        Assert.Null(await Discovery().FindAsync(_medium, Args(), default));
        var help = ConfigDiscovery.HowToProvide(_medium);
        Assert.Contains("keel.config=http://", help, StringComparison.Ordinal);
        Assert.Contains("keel media customize", help, StringComparison.Ordinal);
        Assert.Contains("KEELCFG", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_line_path_not_in_the_live_system_is_looked_up_on_the_medium()
    {
        WriteFile(Path.Combine(_medium, "configs", "a.yaml"), "on medium");
        var found = await Discovery().FindAsync(_medium, Args("/configs/a.yaml"), default);
        Assert.Equal(Path.Combine(_medium, "configs", "a.yaml"), found!.Path);

        var missing = await Assert.ThrowsAsync<KeelException>(() => Discovery().FindAsync(_medium, Args("/configs/none.yaml"), default));
        Assert.StartsWith("keel.config=/configs/none.yaml: no such file", missing.Message, StringComparison.Ordinal);

        // A named config that is missing is an error even when the medium embeds another: the user asked for that one.
        Embed();
        await Assert.ThrowsAsync<KeelException>(() => Discovery().FindAsync(_medium, Args("/configs/none.yaml"), default));
        await Assert.ThrowsAsync<KeelException>(() => Discovery().FindAsync(_medium, Args("/../etc/passwd-not-here"), default));
    }

    [Fact]
    public async Task Two_sticks_or_a_stick_without_the_file_stop_with_a_line_naming_them()
    {
        Stick("/dev/sdy1");
        var none = await Assert.ThrowsAsync<KeelException>(() => Discovery().FindAsync(_medium, Args(), default));
        Assert.Equal("/dev/sdy1: the filesystem labelled KEELCFG has no keel.yaml", none.Message);

        Stick("/dev/sdx1");
        var two = await Assert.ThrowsAsync<KeelException>(() => Discovery().FindAsync(_medium, Args(), default));
        Assert.Contains("2 filesystems carry the label (/dev/sdy1, /dev/sdx1)", two.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_config_is_fetched_to_a_local_file_with_a_size_limit()
    {
        using var server = new TestHttpServer(new() { ["/m.yaml"] = "apiVersion: keel/v1\n"u8.ToArray(), ["/big.yaml"] = new byte[4096] });
        var found = await Discovery().FindAsync(_medium, Args(server.Url + "/m.yaml"), default);
        Assert.Equal("apiVersion: keel/v1\n", File.ReadAllText(found!.Path));
        Assert.StartsWith(_state, found.Path, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<SourceUnreachableException>(() => Discovery().FindAsync(_medium, Args(server.Url + "/none.yaml"), default));
        Assert.Equal($"keel.config={server.Url}/none.yaml: HTTP 404 Not Found", missing.Message);

        await Assert.ThrowsAsync<LimitExceededException>(() => Discovery(maxBytes: 1000).FindAsync(_medium, Args(server.Url + "/big.yaml"), default));
    }

    [Fact]
    public async Task An_unreachable_http_config_is_one_error_naming_the_url()
    {
        var url = $"http://127.0.0.1:{TestHttpServer.FreePort()}/m.yaml";
        var ex = await Assert.ThrowsAsync<SourceUnreachableException>(() => Discovery().FindAsync(_medium, Args(url), default));
        Assert.StartsWith($"keel.config={url}: ", ex.Message, StringComparison.Ordinal);
    }
}
