#!/bin/sh
# oci-busybox.sh BUSYBOX OUTPUT.tar NAME ARCH
# Writes an OCI image archive (an OCI image layout in a tar, what `podman load`, `ctr images
# import` and `skopeo copy oci-archive:` read) of one layer: the static BUSYBOX with links for the
# applets the tests use, /etc/passwd and /etc/group for root, and /www/index.html for busybox
# httpd. NAME (e.g. localhost/keel-fixture/busybox:latest) is put in the index as
# org.opencontainers.image.ref.name and io.containerd.image.name. ARCH is OCI's (amd64, arm64).
# The default command prints "Hello from the Keel fixture's busybox image".
# Reproducible: file times SOURCE_DATE_EPOCH (default 0), owner 0:0, sorted entries, gzip -n.
set -eu
busybox=$1 output=$2 name=$3 arch=$4
epoch=${SOURCE_DATE_EPOCH:-0}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d "${TMPDIR:-/tmp}/oci-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT

root=$work/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www" "$root/root" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
for applet in sh echo cat ls hostname sleep wget nc nslookup httpd ping ip ifconfig route mkdir rm true false env id uname grep sed head tail; do
    ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo "Served by busybox httpd in a Keel fixture container" > "$root/www/index.html"
find "$root" -exec touch -h -d "@$epoch" {} +

layout=$work/layout
mkdir -p "$layout/blobs/sha256"
blob() { # FILE: moves FILE into the blobs, prints its sha256 hex
    h=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$layout/blobs/sha256/$h"
    echo "$h"
}
size() { wc -c < "$layout/blobs/sha256/$1" | tr -d ' '; }

tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$root" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -9n "$work/layer.tar"
layer=$(blob "$work/layer.tar.gz")

printf '{"architecture":"%s","os":"linux","created":"%s","config":{"Env":["PATH=/bin"],"Cmd":["/bin/echo","Hello from the Keel fixture'"'"'s busybox image"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"Keel fixture: busybox (tests/fixture-distro/lib/oci-busybox.sh)"}]}' \
    "$arch" "$created" "$diff_id" "$created" > "$work/config.json"
config=$(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$config" "$(size "$config")" "$layer" "$(size "$layer")" > "$work/manifest.json"
manifest=$(blob "$work/manifest.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest" "$(size "$manifest")" "$arch" "$name" "$name" > "$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
find "$layout" -exec touch -h -d "@$epoch" {} +
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$layout" -cf "$output" oci-layout index.json blobs
