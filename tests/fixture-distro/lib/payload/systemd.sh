#!/bin/sh
# /usr/lib/systemd/systemd of the Keel fixture distribution: not systemd, but busybox init
# (as PID 1) reading /etc/inittab. Anything else asks for the real thing and fails clearly.
if [ "$$" = 1 ]; then
    exec /usr/bin/busybox init
fi
case "${1-}" in
    --version) echo "systemd 257 (Keel fixture: busybox init)"; exit 0 ;;
esac
echo "systemd: the Keel fixture's init runs only as PID 1" >&2
exit 1
