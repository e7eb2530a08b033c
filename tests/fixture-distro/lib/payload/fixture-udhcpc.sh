#!/bin/sh
# /usr/lib/systemd/fixture-udhcpc: the script busybox udhcpc runs for fixture-rc's DHCP
# (udhcpc -s). It sets the lease's address, default route and DNS servers, and writes one line,
# "IFACE ADDRESS/PREFIX via ROUTER", to /run/fixture-rc/lease.IFACE for fixture-rc to print.
bb=/usr/bin/busybox
case $1 in
    deconfig)
        $bb ip -4 addr flush dev "$interface" 2>/dev/null
        $bb ip link set "$interface" up
        ;;
    bound|renew)
        $bb ip -4 addr flush dev "$interface" 2>/dev/null
        $bb ip addr add "$ip/${mask:-24}" dev "$interface"
        gw=
        if [ -n "$router" ]; then
            gw=${router%% *}
            $bb ip route del default dev "$interface" 2>/dev/null
            $bb ip route add default via "$gw" dev "$interface"
        fi
        if [ -n "$dns" ]; then
            {
                [ -z "$domain" ] || echo "search $domain"
                for server in $dns; do echo "nameserver $server"; done
            } > /etc/resolv.conf.fixture-rc.$$ && $bb mv -f /etc/resolv.conf.fixture-rc.$$ /etc/resolv.conf
        fi
        $bb mkdir -p /run/fixture-rc
        echo "$interface $ip/${mask:-24}${gw:+ via $gw}" > "/run/fixture-rc/lease.$interface"
        ;;
esac
exit 0
