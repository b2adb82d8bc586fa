#!/usr/bin/env bash
# package.sh: owns the packages: OpenWrt .ipk (opkg, 23.05 and 24.10), a tarball with an
# install script for OpenWrt 25.x (apk v3, which cannot be built here), and Debian .deb. Built
# from the binaries scripts/cross-check.sh tested and copied out (`--out DIR`), never rebuilt.
#
# Usage: scripts/package.sh [--out DIR] BINDIR [TARGET...]
#   BINDIR   holds ddnsup-TARGET files (scripts/cross-check.sh --out BINDIR TARGET...)
#   TARGET   default: every target with a binary in BINDIR
#   --out    where the packages go (default dist/packages)
# Needs: tar, gzip, dpkg-deb (Debian's dpkg). Packages are reproducible: fixed owner (root),
# modes, order and mtime (SOURCE_DATE_EPOCH, else the last commit's time).
# Exit: 0 built, 2 usage or a missing tool.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n1)
RELEASE=1
OUT=$ROOT/dist/packages
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
CRON_LINE='*/5 * * * * /usr/bin/ddnsup -q --syslog'

die() { printf 'package: %s\n' "$*" >&2; exit 2; }

# OpenWrt's architecture name of a Rust target (its most common router CPU of that kind).
openwrt_arch() {
    case $1 in
        mipsel-unknown-linux-musl) echo mipsel_24kc ;;
        mips-unknown-linux-musl) echo mips_24kc ;;
        armv7-unknown-linux-musleabihf) echo arm_cortex-a7_neon-vfpv4 ;;
        arm-unknown-linux-musleabihf) echo arm_arm1176jzf-s_vfp ;;
        aarch64-unknown-linux-musl) echo aarch64_cortex-a53 ;;
        x86_64-unknown-linux-musl) echo x86_64 ;;
    esac
}

# Debian's architecture name (only the targets Debian / Raspberry Pi OS run).
deb_arch() {
    case $1 in
        x86_64-unknown-linux-musl) echo amd64 ;;
        aarch64-unknown-linux-musl) echo arm64 ;;
        armv7-unknown-linux-musleabihf) echo armhf ;;
    esac
}

# A reproducible tar.gz of DIR's entries NAMES... (relative; directories are not descended:
# list their contents too, see `tree_of`).
tgz() {
    local out=$1 dir=$2
    shift 2
    tar --no-recursion --format=gnu --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
        -C "$dir" -cf - "$@" | gzip -9n >"$out"
}

# Everything under DIR/NAME (NAME itself first), sorted, relative to DIR.
tree_of() {
    (cd "$1" && find "$2" | sort)
}

# The files both package kinds install, under STAGE: binary, config (600), man page.
stage_common() {
    local stage=$1 bin=$2
    install -D -m 755 "$bin" "$stage/usr/bin/ddnsup"
    install -D -m 600 "$ROOT/packaging/config.toml" "$stage/etc/ddnsup/config.toml"
}

build_ipk() {
    local target=$1 bin=$2 arch work
    arch=$(openwrt_arch "$target")
    work=$(mktemp -d)
    mkdir -p "$work/data" "$work/control"
    stage_common "$work/data" "$bin"
    install -D -m 755 "$ROOT/packaging/openwrt/etc/hotplug.d/iface/95-ddnsup" \
        "$work/data/etc/hotplug.d/iface/95-ddnsup"
    local size
    size=$(du -sb "$work/data" | cut -f1)
    cat >"$work/control/control" <<CONTROL
Package: ddnsup
Version: $VERSION-$RELEASE
Source: https://github.com/ddnsup/ddnsup
SourceName: ddnsup
License: MIT OR Apache-2.0
Section: net
SourceDateEpoch: $EPOCH
Maintainer: ddnsup developers
Architecture: $arch
Installed-Size: $size
Description: Dynamic DNS updater: keeps DNS records pointing at the public address.
 One static binary run from cron and on WAN hotplug events; state on flash written only
 when it changes.
CONTROL
    printf '/etc/ddnsup/config.toml\n' >"$work/control/conffiles"
    install -m 755 "$ROOT/packaging/openwrt/control/postinst" "$work/control/postinst"
    install -m 755 "$ROOT/packaging/openwrt/control/postrm" "$work/control/postrm"
    printf '2.0\n' >"$work/debian-binary"
    # shellcheck disable=SC2046 # paths without blanks, ours
    tgz "$work/data.tar.gz" "$work/data" $(tree_of "$work/data" .)
    tgz "$work/control.tar.gz" "$work/control" control conffiles postinst postrm
    # opkg reads the outer archive as OpenWrt's ipkg-build writes it: a gzipped tar.
    local name=ddnsup_${VERSION}-${RELEASE}_${arch}.ipk
    tgz "$OUT/$name" "$work" ./debian-binary ./data.tar.gz ./control.tar.gz
    rm -rf "$work"
    echo "$OUT/$name"
}

# OpenWrt 25.x (apk v3): the same files with an install script that does what opkg would.
build_tarball() {
    local target=$1 bin=$2 arch work name
    arch=$(openwrt_arch "$target")
    name=ddnsup-${VERSION}-${arch}
    work=$(mktemp -d)
    mkdir -p "$work/$name/files"
    stage_common "$work/$name/files" "$bin"
    install -D -m 755 "$ROOT/packaging/openwrt/etc/hotplug.d/iface/95-ddnsup" \
        "$work/$name/files/etc/hotplug.d/iface/95-ddnsup"
    install -m 755 "$ROOT/packaging/openwrt/control/postinst" "$work/$name/postinst"
    install -m 755 "$ROOT/packaging/openwrt/control/postrm" "$work/$name/postrm"
    install -m 755 "$ROOT/packaging/openwrt/install.sh" "$work/$name/install.sh"
    # shellcheck disable=SC2046
    tgz "$OUT/$name.tar.gz" "$work" $(tree_of "$work" "$name")
    rm -rf "$work"
    echo "$OUT/$name.tar.gz"
}

build_deb() {
    local target=$1 bin=$2 arch work
    arch=$(deb_arch "$target")
    [[ -n $arch ]] || return 0
    work=$(mktemp -d)
    local stage=$work/ddnsup
    stage_common "$stage" "$bin"
    for unit in ddnsup.service ddnsup.timer; do
        sed 's|/usr/local/bin/ddnsup|/usr/bin/ddnsup|' "$ROOT/examples/systemd/$unit" \
            | sed '/^# .*Install to \/etc\/systemd\/system/d' >"$work/$unit"
        install -D -m 644 "$work/$unit" "$stage/lib/systemd/system/$unit"
    done
    install -d -m 755 "$stage/usr/share/man/man8" "$stage/usr/share/doc/ddnsup"
    gzip -9n <"$ROOT/packaging/man/ddnsup.8" >"$stage/usr/share/man/man8/ddnsup.8.gz"
    chmod 644 "$stage/usr/share/man/man8/ddnsup.8.gz"
    printf 'ddnsup: MIT OR Apache-2.0 (https://github.com/ddnsup/ddnsup)\n' \
        >"$stage/usr/share/doc/ddnsup/copyright"
    chmod 644 "$stage/usr/share/doc/ddnsup/copyright"
    install -d -m 755 "$stage/DEBIAN"
    local size
    size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
    cat >"$stage/DEBIAN/control" <<CONTROL
Package: ddnsup
Version: $VERSION-$RELEASE
Architecture: $arch
Maintainer: ddnsup developers <ddnsup@users.noreply.github.com>
Installed-Size: $size
Section: net
Priority: optional
Homepage: https://github.com/ddnsup/ddnsup
Description: careful dynamic DNS updater for routers and small Linux boxes
 Finds the public IPv4/IPv6 address and, only when it changed, updates the
 DNS records at the provider. One static binary with a systemd timer; state
 written only when it changes.
CONTROL
    printf '/etc/ddnsup/config.toml\n' >"$stage/DEBIAN/conffiles"
    for s in postinst prerm postrm; do
        install -m 755 "$ROOT/packaging/debian/$s" "$stage/DEBIAN/$s"
    done
    find "$stage" -exec touch -h -d "@$EPOCH" {} +
    local name=ddnsup_${VERSION}-${RELEASE}_${arch}.deb
    SOURCE_DATE_EPOCH=$EPOCH dpkg-deb --root-owner-group -Zxz --build "$stage" "$OUT/$name" >/dev/null
    rm -rf "$work"
    echo "$OUT/$name"
}

BINDIR=
TARGETS=()
while (($#)); do
    case $1 in
        --out) OUT=${2:?--out needs a directory}; shift ;;
        -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) if [[ -z $BINDIR ]]; then BINDIR=$1; else TARGETS+=("$1"); fi ;;
    esac
    shift
done
[[ -n $BINDIR && -d $BINDIR ]] || die "usage: package.sh [--out DIR] BINDIR [TARGET...]"
command -v dpkg-deb >/dev/null || die "needs dpkg-deb (apt-get install dpkg)"
if ((${#TARGETS[@]} == 0)); then
    for f in "$BINDIR"/ddnsup-*; do
        # TARGET:slim builds are for budgets, not packages.
        [[ -f $f && $f != *:* ]] && TARGETS+=("${f##*/ddnsup-}")
    done
fi
((${#TARGETS[@]})) || die "no ddnsup-TARGET binaries in $BINDIR"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
for t in "${TARGETS[@]}"; do
    bin=$BINDIR/ddnsup-$t
    [[ -f $bin ]] || die "no $bin"
    [[ -n $(openwrt_arch "$t") ]] || die "unknown target $t"
    build_ipk "$t" "$bin"
    build_tarball "$t" "$bin"
    build_deb "$t" "$bin"
done
