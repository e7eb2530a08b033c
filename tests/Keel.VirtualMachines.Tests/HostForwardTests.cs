namespace Keel.VirtualMachines.Tests;

/// <summary>--hostfwd: host ports carried to guest ports on the restricted user network, parsed strictly, never twice; and --interactive's limits.</summary>
public sealed class HostForwardTests
{
    private static readonly UefiFirmware Split = new("/fw/CODE.fd", "/fw/VARS.fd");

    private static QemuMachine Disk() => new(VmArchitecture.X86_64, Split, "/run/vars.fd", "/img/a.raw", DiskImageFormat.Raw, null, 512);

    private static List<string> Nic(IReadOnlyList<string> args) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == "-nic" && x.i + 1 < args.Count).Select(x => args[x.i + 1]).ToList();

    [Fact]
    public void HostForwards_AloneTurnOnRestrictedUserNetworking()
    {
        var machine = Disk() with { HostForwards = [HostForward.Parse("127.0.0.1:2222=22"), HostForward.Parse("127.0.0.1:8080=80")] };

        Assert.Equal(["user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.1:8080-:80"], Nic(machine.Arguments()));
    }

    [Fact]
    public void HostForwards_ComeAfterGuestForwards_OnTheSameNetwork()
    {
        var machine = Disk() with
        {
            GuestForwards = [GuestForward.Parse("10.0.2.100:80=127.0.0.1:8080")],
            HostForwards = [HostForward.Parse("127.0.0.1:2222=22")],
        };

        var nic = Assert.Single(Nic(machine.Arguments()));
        Assert.StartsWith("user,model=virtio-net-pci,restrict=on,guestfwd=tcp:10.0.2.100:80-cmd:", nic, StringComparison.Ordinal);
        Assert.EndsWith(",hostfwd=tcp:127.0.0.1:2222-:22", nic, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:2222=22", "tcp:127.0.0.1:2222-:22")]
    [InlineData("0.0.0.0:65535=1", "tcp:0.0.0.0:65535-:1")]
    public void HostForward_Parses(string text, string rule)
    {
        var forward = HostForward.Parse(text);

        Assert.Equal(rule, forward.QemuRule());
        Assert.Equal(text, forward.ToString());
    }

    [Theory]
    [InlineData("2222=22")]
    [InlineData("127.0.0.1:2222")]
    [InlineData("127.0.0.1=22")]
    [InlineData("127.0.0.1:0=22")]
    [InlineData("127.0.0.1:2222=65536")]
    [InlineData("127.0.0.1:2222=+22")]
    [InlineData("localhost:2222=22")]
    [InlineData("127.1:2222=22")]
    [InlineData("[::1]:2222=22")]
    [InlineData("127.0.0.1:2222=22=23")]
    [InlineData("127.0.0.1:2222=10.0.2.15:22")]
    public void HostForward_Malformed_IsRejectedWithTheSyntax(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => HostForward.Parse(text));
        Assert.Equal($"--hostfwd {text}: expected HOSTADDR:PORT=GUESTPORT with an IPv4 address and ports 1-65535, e.g. 127.0.0.1:2222=22", ex.Message);
    }

    [Fact]
    public void The_same_host_port_twice_is_refused()
    {
        var options = new VmRunOptions
        {
            ImagePath = "/img/a.raw",
            HostForwards = [HostForward.Parse("127.0.0.1:2222=22"), HostForward.Parse("0.0.0.0:2222=80")],
        };

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal("--hostfwd 0.0.0.0:2222=80: host port 2222 is forwarded twice", ex.Message);
    }

    [Fact]
    public void Interactive_with_expect_is_refused()
    {
        var options = new VmRunOptions { ImagePath = "/img/a.raw", Interactive = true, Expect = "login:" };

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("--interactive and --expect", ex.Message, StringComparison.Ordinal);
    }
}
