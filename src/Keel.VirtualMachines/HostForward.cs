using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Keel.VirtualMachines;

/// <summary>
/// One host endpoint carried into the guest on qemu's user network: TCP connections to <see cref="HostAddress"/>:<see cref="HostPort"/>
/// on the host reach the guest's <see cref="GuestPort"/> (qemu's hostfwd), e.g. the installed machine's sshd.
/// </summary>
public sealed record HostForward(IPAddress HostAddress, int HostPort, int GuestPort)
{
    /// <summary>Parses HOSTADDR:PORT=GUESTPORT (an IPv4 literal), e.g. 127.0.0.1:2222=22.</summary>
    /// <exception cref="ArgumentException">The text is malformed.</exception>
    public static HostForward Parse(string text)
    {
        var parts = text.Split('=');
        var colon = parts[0].LastIndexOf(':');
        if (parts.Length != 2
            || colon <= 0
            // IPAddress.TryParse also takes "10" or "10.1" as IPv4; only the dotted quad is meant here.
            || parts[0][..colon].Count(c => c == '.') != 3
            || !IPAddress.TryParse(parts[0][..colon], out var host)
            || host.AddressFamily != AddressFamily.InterNetwork
            || !TryPort(parts[0][(colon + 1)..], out var hostPort)
            || !TryPort(parts[1], out var guestPort))
        {
            throw new ArgumentException($"--hostfwd {text}: expected HOSTADDR:PORT=GUESTPORT with an IPv4 address and ports 1-65535, e.g. 127.0.0.1:2222=22");
        }

        return new HostForward(host, hostPort, guestPort);
    }

    /// <summary>The hostfwd= value qemu takes: tcp:HOSTADDR:PORT-:GUESTPORT (the guest address left to qemu: its DHCP lease).</summary>
    public string QemuRule() => string.Create(CultureInfo.InvariantCulture, $"tcp:{HostAddress}:{HostPort}-:{GuestPort}");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{HostAddress}:{HostPort}={GuestPort}");

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
