#!/bin/sh
# /usr/lib/systemd/fixture-boot-scripts: runs every executable in /etc/rc.d/boot.d in sorted
# order (fixture-boot-scripts.service starts it once per boot, its output on the console), then
# says "fixture-init: boot finished", the line tests and people wait for before the getty.
export PATH=/usr/sbin:/usr/bin
say() { echo "fixture-init: $*"; }
for script in $(ls -1 /etc/rc.d/boot.d 2>/dev/null | LC_ALL=C sort); do
    path=/etc/rc.d/boot.d/$script
    [ -f "$path" ] && [ -x "$path" ] || continue
    say "running boot.d/$script"
    "$path" || say "boot.d/$script exited with $?"
done
say "boot finished"
exit 0
