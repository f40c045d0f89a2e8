#!/bin/sh
# Installs the Debian 12 packages Anjian needs to build, run and test
# (clang, llvm and libclang-rt-dev for libFuzzer: tests/fuzz; tidy validates
# the public pages in tests/integration/test-draw-public; at-spi2-core and
# gir1.2-atspi-2.0 for the screen-reader tests: tests/ui/test-a11y.py; chromium,
# nodejs and npm for the office console's browser walk with axe-core:
# tests/integration/test-office.c; wrk for the server's load benchmark:
# tests/bench/bench-load.sh; libpq-dev for the server's PostgreSQL store and
# postgresql for the throwaway clusters of tests/integration/test-multi.c).
# Asks apt only for what is missing, so a second run is quick and offline.
set -eu

PACKAGES="build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libjson-glib-dev
  libsqlite3-dev libsodium-dev libssl-dev libqrencode-dev libgdk-pixbuf-2.0-dev libcurl4-openssl-dev libsoup-3.0-dev libxlsxwriter-dev libzbar-dev
  libgeoclue-2-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  desktop-file-utils appstream-util fonts-noto-cjk
  glib-networking openssl ca-certificates
  xvfb xauth dbus zbar-tools python3-openpyxl poppler-utils tidy
  at-spi2-core gir1.2-atspi-2.0 python3-gi
  chromium nodejs
  clang llvm libclang-rt-dev
  wrk
  libpq-dev postgresql"
# Debian's npm only where no npm is installed: a machine whose Node.js comes
# from NodeSource has npm in its nodejs package, and Debian's npm would
# conflict with it.
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
