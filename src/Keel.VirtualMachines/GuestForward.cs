using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Keel.VirtualMachines;

/// <summary>
/// One endpoint the guest may reach on qemu's user network: connections to <see cref="GuestAddress"/>:<see cref="GuestPort"/>
/// inside the guest's network are carried to <see cref="HostAddress"/>:<see cref="HostPort"/> on the host (qemu's guestfwd).
/// With restrict=on these are the only places the guest can reach.
/// </summary>
public sealed record GuestForward(IPAddress GuestAddress, int GuestPort, IPAddress HostAddress, int HostPort)
{
    /// <summary>qemu's user network: 10.0.2.0/24, gateway .2, DNS .3, DHCP hands out .15 to .30.</summary>
    private static readonly byte[] Network = [10, 0, 2];

    /// <summary>Parses GUESTADDR:PORT=HOSTADDR:PORT (IPv4 literals), e.g. 10.0.2.100:80=127.0.0.1:8080.</summary>
    /// <exception cref="ArgumentException">The text is malformed or the guest address is not a free address of qemu's network.</exception>
    public static GuestForward Parse(string text)
    {
        var parts = text.Split('=');
        if (parts.Length != 2 || !TryEndpoint(parts[0], out var guest, out var guestPort) || !TryEndpoint(parts[1], out var host, out var hostPort))
        {
            throw new ArgumentException($"--guestfwd {text}: expected GUESTADDR:PORT=HOSTADDR:PORT with IPv4 addresses, e.g. 10.0.2.100:80=127.0.0.1:8080");
        }

        var g = guest.GetAddressBytes();
        if (!g.AsSpan(0, 3).SequenceEqual(Network) || g[3] is 0 or 2 or 3 or 255 || g[3] is >= 15 and <= 30)
        {
            throw new ArgumentException($"--guestfwd {text}: the guest address must be a free address of qemu's user network 10.0.2.0/24 (not .0, .2 gateway, .3 DNS, .15-.30 DHCP, .255), e.g. 10.0.2.100");
        }

        return new GuestForward(guest, guestPort, host, hostPort);
    }

    /// <summary>
    /// The guestfwd= value qemu takes: tcp:GUESTADDR:PORT-cmd:RELAY, where RELAY connects one guest connection to
    /// HOSTADDR:PORT. Not the shorter tcp:GUESTADDR:PORT-tcp:HOSTADDR:PORT: that form is a character device qemu
    /// connects once, at start, so only the first guest connection ever reaches the host (measured with qemu 7.2: a
    /// second HTTP request got nothing) and the guest never sees the server close. qemu (libslirp) starts the command
    /// for each connection with the guest's socket as stdin and stdout; bash's /dev/tcp makes the host connection, so
    /// the relay needs nothing beyond bash. A background job's stdin is /dev/null in a non-interactive bash, hence the
    /// explicit &lt;&amp;0; when the server closes, the relay stops its other half so the guest sees the end too. The text
    /// holds no comma, which qemu's option syntax would split at.
    /// </summary>
    public string QemuRule() => string.Create(
        CultureInfo.InvariantCulture,
        $"tcp:{GuestAddress}:{GuestPort}-cmd:bash -c 'exec 3<>/dev/tcp/{HostAddress}/{HostPort} 2>/dev/null || exit 1; cat <&0 >&3 & cat <&3; kill $! 2>/dev/null'");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{GuestAddress}:{GuestPort}={HostAddress}:{HostPort}");

    private static bool TryEndpoint(string text, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        var colon = text.LastIndexOf(':');
        // IPAddress.TryParse also takes "10" or "10.1" as IPv4; only the dotted quad is meant here.
        return colon > 0
            && text[..colon].Count(c => c == '.') == 3
            && IPAddress.TryParse(text[..colon], out address!)
            && address.AddressFamily == AddressFamily.InterNetwork
            && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is >= 1 and <= 65535;
    }
}
