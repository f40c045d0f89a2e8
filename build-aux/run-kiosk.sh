#!/bin/sh
# Installs what is needed, builds, and starts the kiosk on its embedded SQLite
# with the bundled sample registry and checklists (data folder: $XDG_DATA_HOME/anjian).
#
#   build-aux/run-kiosk.sh                 the kiosk alone, offline
#   build-aux/run-kiosk.sh --with-server   also anjian-server on 127.0.0.1:8080, with the
#                                          sample registry and checklists, and prints a
#                                          one-time enrollment code for the kiosk
set -eu
cd "$(dirname "$0")/.."

with_server=0
if [ "${1:-}" = "--with-server" ]; then
  with_server=1
  shift
fi

build-aux/install-deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build

if [ $with_server -eq 1 ]; then
  server_data="${XDG_DATA_HOME:-$HOME/.local/share}/anjian-server"
  if [ ! -f "$server_data/anjian-server.db" ]; then
    build/app/server/anjian-server import-registry --data "$server_data" data/registry.json
    build/app/server/anjian-server publish-checklist --data "$server_data" data/checklists/*.json
  fi
  build/app/server/anjian-server serve --data "$server_data" --listen 127.0.0.1:8080 \
    >"$server_data/server.log" 2>&1 &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null || true' EXIT INT TERM
  echo "anjian-server: http://127.0.0.1:8080 (log: $server_data/server.log)"
  echo "Enrollment code for the kiosk (Server and sync → Connect):"
  build/app/server/anjian-server enroll-code --data "$server_data" --server http://127.0.0.1:8080
  build/app/kiosk/anjian "$@"
else
  exec build/app/kiosk/anjian "$@"
fi
