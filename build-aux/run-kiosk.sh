#!/bin/sh
# Installs what is needed, builds, and starts the kiosk on its embedded SQLite
# with the bundled sample registry and checklists (data folder: $XDG_DATA_HOME/anjian).
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
exec build/app/kiosk/anjian "$@"
