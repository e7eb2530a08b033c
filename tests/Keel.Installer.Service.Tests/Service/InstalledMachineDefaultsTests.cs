using Keel.Config.Loading;
using Keel.Installer.Api;
using Keel.Installer.Service.Session;
using Keel.Installer.Service.Session.Users;

namespace Keel.Installer.Service.Tests.Service;

/// <summary>
/// What an interactive install gives the machine without being asked, so it boots where it was installed and can be
/// reached: the live console on its kernel command line, DHCP on Ethernet, and sshd when the administrator has keys.
/// </summary>
public sealed class InstalledMachineDefaultsTests
{
    [Fact]
    public async Task The_console_DHCP_and_sshd_follow_the_live_system_and_the_keys()
    {
        await using var service = await ServiceUnderTest.StartAsync(consoleArguments: ["console=tty0", "console=ttyS0,115200"]);
        await service.MakeReadyAsync();

        var config = Parse(await service.Client.GetConfigYamlAsync(default));
        Assert.Equal("console=tty0 console=ttyS0,115200", config.KernelCommandLine);
        var network = Assert.Single(config.Files, f => f.Path == SessionDraft.DhcpNetworkFile);
        Assert.Contains("DHCP=yes", network.Content, StringComparison.Ordinal);
        Assert.DoesNotContain(UsersSection.SshService, config.Services.Enable);

        Assert.True((await service.Client.UpdateUsersAsync(new UserSettings(true, "admin", null, null, [TestKeys.Ed25519]), default)).Ok);
        Assert.Contains(UsersSection.SshService, Parse(await service.Client.GetConfigYamlAsync(default)).Services.Enable);

        // Keys taken away again: nothing asks for the server any more.
        Assert.True((await service.Client.UpdateUsersAsync(new UserSettings(true, "admin", ServiceUnderTest.Password, ServiceUnderTest.Password, []), default)).Ok);
        Assert.DoesNotContain(UsersSection.SshService, Parse(await service.Client.GetConfigYamlAsync(default)).Services.Enable);
    }

    private static Keel.Config.Model.MachineConfig Parse(string yaml) =>
        ConfigLoader.Parse(yaml, "session", "/").Config?.Config ?? throw new InvalidDataException("the session's config does not parse:\n" + yaml);
}
