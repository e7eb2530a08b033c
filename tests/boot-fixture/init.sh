#!/bin/sh
# /init of the boot fixture's initramfs (see build.sh): prints what tests look for on the
# serial console, then powers off.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# The kernel may start /init without a console when the initramfs has no /dev/console.
exec </dev/console >/dev/console 2>&1

echo "KEEL-BOOT-FIXTURE OK kernel $(uname -r)"

while read -r module; do
    insmod "/lib/modules/$module" 2>/dev/null
done </lib/modules/load-order

# virtio disks appear asynchronously after the driver loads.
tries=0
while [ ! -b /dev/vda ] && [ "$tries" -lt 50 ]; do
    sleep 0.1
    tries=$((tries + 1))
done

# Boot counter in the scratch partition, so a test can tell whether guest writes reached
# the image; only a partition that starts with the fixture's header line is touched.
for part in /dev/vd?2; do
    [ -b "$part" ] || continue
    header=$(dd if="$part" bs=64 count=1 2>/dev/null | head -n 1 | tr -d '\000')
    case $header in
        "KEEL-SCRATCH boot-count "*)
            count=${header#KEEL-SCRATCH boot-count }
            count=$((count + 1))
            printf 'KEEL-SCRATCH boot-count %d\n' "$count" | dd of="$part" conv=notrunc,fsync 2>/dev/null
            echo "KEEL-BOOT-FIXTURE boot-count $count"
            ;;
    esac
done

# A NoCloud seed is a whole-disk vfat filesystem holding meta-data.
for disk in /dev/vd?; do
    [ -b "$disk" ] || continue
    if mount -t vfat -o ro "$disk" /mnt 2>/dev/null; then
        if [ -f /mnt/meta-data ]; then
            id=$(sed -n 's/^instance-id:[[:space:]]*//p' /mnt/meta-data | head -n 1)
            echo "KEEL-BOOT-FIXTURE seed instance-id: $id"
        fi
        umount /mnt
    fi
done

sync
echo "KEEL-BOOT-FIXTURE powering off"
poweroff -f
