#!/bin/sh
# install.sh: installs ddnsup on OpenWrt 25.x (apk v3 packages cannot be built here) the way
# the .ipk does on 23.05/24.10: the files, then the same postinst. `./install.sh remove`
# undoes it and keeps /etc/ddnsup (config and state). Run from the unpacked tarball.
# DESTDIR installs into another root (tests).
set -e
here=$(cd "$(dirname "$0")" && pwd)
root="${DESTDIR}"
case "$1" in
"" | install)
	mkdir -p "$root/usr/bin" "$root/etc/ddnsup" "$root/etc/hotplug.d/iface"
	cp "$here/files/usr/bin/ddnsup" "$root/usr/bin/ddnsup"
	chmod 755 "$root/usr/bin/ddnsup"
	cp "$here/files/etc/hotplug.d/iface/95-ddnsup" "$root/etc/hotplug.d/iface/95-ddnsup"
	chmod 755 "$root/etc/hotplug.d/iface/95-ddnsup"
	# The config is the user's once it exists: never overwritten.
	if [ ! -e "$root/etc/ddnsup/config.toml" ]; then
		cp "$here/files/etc/ddnsup/config.toml" "$root/etc/ddnsup/config.toml"
	fi
	chmod 600 "$root/etc/ddnsup/config.toml"
	IPKG_INSTROOT="$root" sh "$here/postinst"
	;;
remove)
	IPKG_INSTROOT="$root" sh "$here/postrm" remove
	rm -f "$root/usr/bin/ddnsup" "$root/etc/hotplug.d/iface/95-ddnsup"
	;;
*)
	echo "usage: install.sh [install|remove]" >&2
	exit 2
	;;
esac
