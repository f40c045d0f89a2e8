#!/bin/sh
# The kiosk-mode supervisor: a kiosk killed with SIGSEGV or SIGKILL comes back
# by itself (a new process on the same data); the supervisor stops cleanly.
# Needs an X display (DISPLAY), as the other UI tests.
set -eu

session="$1"
kiosk="$2"
work=$(mktemp -d)
pidfile="$work/kiosk.pid"
trap 'kill -TERM "$sup" 2>/dev/null || true; rm -rf "$work"' EXIT

export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export GSETTINGS_BACKEND=memory ANJIAN_NO_AUTO_SYNC=1
export ANJIAN_KIOSK_BIN="$kiosk" ANJIAN_KIOSK_PIDFILE="$pidfile"
export ASAN_OPTIONS="detect_leaks=0:handle_segv=0"

echo "1..3"
"$session" >"$work/session.log" 2>&1 &
sup=$!

# Running, not a zombie waiting for its parent to read its status.
alive() {
  [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat"
}

# The pid of a running kiosk other than $1, within 30 s.
wait_for_kiosk() {
  for _ in $(seq 1 150); do
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      if [ "$pid" != "$1" ] && alive "$pid"; then
        echo "$pid"
        return 0
      fi
    fi
    sleep 0.2
  done
  return 1
}

first=$(wait_for_kiosk 0) || { echo "not ok 1 the kiosk did not start"; cat "$work/session.log"; exit 1; }
sleep 2
kill -SEGV "$first"
second=$(wait_for_kiosk "$first") || { echo "not ok 1 not restarted after SIGSEGV"; cat "$work/session.log"; exit 1; }
echo "ok 1 restarted after SIGSEGV ($first -> $second)"
sleep 2
kill -KILL "$second"
third=$(wait_for_kiosk "$second") || { echo "not ok 2 not restarted after SIGKILL"; cat "$work/session.log"; exit 1; }
echo "ok 2 restarted after SIGKILL ($second -> $third)"
kill -TERM "$sup"
for _ in $(seq 1 150); do
  alive "$sup" || break
  sleep 0.2
done
if alive "$sup" || alive "$third"; then
  echo "not ok 3 the supervisor or its kiosk is still running after SIGTERM"
  ps -o pid,stat,cmd -p "$sup" -p "$third" || true
  cat "$work/session.log"
  kill -KILL "$third" 2>/dev/null || true
  exit 1
fi
echo "ok 3 the supervisor stops with its kiosk"
