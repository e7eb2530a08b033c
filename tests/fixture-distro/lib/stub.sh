#!/bin/sh
# stub.sh BUILDROOT PACKAGE EVR PATH...
# Writes an executable /bin/sh stand-in at each PATH under BUILDROOT. The stand-in prints
# its name and version, so a test can tell which build of a package ended up in a root.
set -eu
root=$1 pkg=$2 evr=$3
shift 3
for path in "$@"; do
    mkdir -p "$root${path%/*}"
    name=${path##*/}
    cat > "$root$path" <<STUB
#!/bin/sh
# Keel fixture stand-in for $path from $pkg $evr.
case "\${1-}" in
    --version|-V|version) echo "$name (Keel fixture) $evr" ;;
    *) echo "$name: Keel fixture stand-in from $pkg $evr" >&2 ;;
esac
exit 0
STUB
    chmod 0755 "$root$path"
done
