using Keel.Installer.Api;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>Each section's update answers with the validator's errors for its own fields, and the section's own checks, over the socket.</summary>
public sealed class SectionValidationTests : IAsyncLifetime
{
    private ServiceUnderTest _service = null!;

    public async Task InitializeAsync() => _service = await ServiceUnderTest.StartAsync();

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Regional_errors_name_the_locale_and_the_time_zone_and_only_those()
    {
        var result = await _service.Client.UpdateRegionalAsync(new RegionalSettings("not a locale", "us", "Mars/Olympus_Mons"), default);
        Assert.False(result.Ok);
        Assert.Equal(["locale", "timezone"], result.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e.Message.Contains("'not a locale' is not a locale name", StringComparison.Ordinal));

        var fixedUp = await _service.Client.UpdateRegionalAsync(new RegionalSettings("de_DE.UTF-8", "de", "Europe/Berlin"), default);
        Assert.True(fixedUp.Ok, string.Join("; ", fixedUp.Errors));
        var state = await _service.Client.GetSessionAsync(default);
        Assert.Equal(new RegionalSettings("de_DE.UTF-8", "de", "Europe/Berlin"), state.Regional);
    }

    [Fact]
    public async Task A_bad_host_name_is_an_error_on_hostname_and_a_regional_error_is_not_repeated_there()
    {
        await _service.Client.UpdateRegionalAsync(new RegionalSettings("bad locale", "us", "UTC"), default);
        var result = await _service.Client.UpdateNetworkAsync(new NetworkSettings("-bad_host-"), default);
        var error = Assert.Single(result.Errors);
        Assert.Equal("hostname", error.Field);
        Assert.Contains("not a valid hostname", error.Message, StringComparison.Ordinal);
        Assert.True((await _service.Client.UpdateNetworkAsync(new NetworkSettings("node-7.example.com"), default)).Ok);
    }

    [Fact]
    public async Task Users_need_an_administrator_matching_passwords_and_keys_that_parse()
    {
        var missing = await _service.Client.UpdateUsersAsync(new UserSettings(true, "", "secret-pass", "secret-pass", []), default);
        Assert.Contains(missing.Errors, e => e.Field == "users[0].name" && e.Message.Contains("administrator name is required", StringComparison.Ordinal));

        var differ = await _service.Client.UpdateUsersAsync(new UserSettings(true, "admin", "secret-pass", "secret-pasS", []), default);
        var error = Assert.Single(differ.Errors);
        Assert.Equal(("users[0].password", "the two passwords differ"), (error.Field, error.Message));

        var badKey = await _service.Client.UpdateUsersAsync(new UserSettings(true, "admin", null, null, ["ssh-ed25519 not-base64!! me@host"]), default);
        Assert.Contains(badKey.Errors, e => e.Field == "users[0].sshAuthorizedKeys[0]" && e.Message.StartsWith("not an SSH public key", StringComparison.Ordinal));

        var good = await _service.Client.UpdateUsersAsync(new UserSettings(true, "admin", ServiceUnderTest.Password, ServiceUnderTest.Password, [TestKeys.Ed25519]), default);
        Assert.True(good.Ok, string.Join("; ", good.Errors));
        var users = (await _service.Client.GetSessionAsync(default)).Users;
        Assert.Equal((true, "admin", true), (users.RootLocked, users.AdminName, users.PasswordSet));
        Assert.Equal([TestKeys.Ed25519], users.AuthorizedKeys);
    }

    [Fact]
    public async Task The_password_is_hashed_at_once_and_never_appears_in_the_config_or_the_session_file()
    {
        await _service.MakeReadyAsync();
        var yaml = await _service.Client.GetConfigYamlAsync(default);
        Assert.DoesNotContain(ServiceUnderTest.Password, yaml, StringComparison.Ordinal);
        Assert.Matches(@"passwordHash: .?\$6\$", yaml);
        var sessionFile = await File.ReadAllTextAsync(Path.Combine(_service.Directory, "session", "session.yaml"));
        Assert.DoesNotContain(ServiceUnderTest.Password, sessionFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mirror_without_a_url_is_an_error_on_the_source_and_the_medium_checks_out_signed()
    {
        var bad = await _service.Client.UpdateSourceAsync(new SourceSettings(SourceKind.Mirror, "not a url"), default);
        Assert.Equal("repositories[0].baseurl", Assert.Single(bad.Errors).Field);
        var online = await _service.Client.UpdateSourceAsync(new SourceSettings(SourceKind.Online), default);
        Assert.Contains("names no online repository", Assert.Single(online.Errors).Message, StringComparison.Ordinal);

        var check = await _service.Client.CheckSourceAsync(new SourceSettings(SourceKind.Medium), default);
        Assert.True(check.Reachable && check.Signed, check.Message);
        var missing = await _service.Client.CheckSourceAsync(new SourceSettings(SourceKind.Mirror, "file://" + Path.Combine(_service.Directory, "nothing-here")), default);
        Assert.False(missing.Reachable, missing.Message);
        Assert.True((await _service.Client.UpdateSourceAsync(new SourceSettings(SourceKind.Medium), default)).Ok);
    }
}

/// <summary>Real OpenSSH public keys (made with ssh-keygen for the tests; no private half kept anywhere).</summary>
internal static class TestKeys
{
    public const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC7jRkYE98og4nFPxQ6GDNP+br3Fdgc2zbbFJdCYst+B admin@laptop";
}
