#!/bin/sh
# Install the Debian packages rmod needs, and say which ones it installs.
# Called by make before any build; a no-op once everything is present.
set -e
PKGS="make gcc gcc-multilib binutils libelf-dev libdw-dev zlib1g-dev \
qemu-system-x86 python3 python3-pytest python3-pyelftools python3-matplotlib \
clang libclang-rt-14-dev valgrind abigail-tools xz-utils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
