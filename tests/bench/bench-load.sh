#!/bin/bash
# bench-load.sh: the server under load (issue 16, part 4). Not a test: it
# prints figures. Starts the anchor (a minimal libsoup server answering a
# body of the same size as a pull of 100 events) and the real anjian-server
# on a store prepared with many enrolled devices and their events, then
# drives each with wrk at 1,000 connections: pulls, pushes (batches that
# continue each device's chain, never sent twice), /h/<id> public pages and
# photo uploads. Prints requests/s, p50/p99, errors, the pull's ratio to the
# anchor, the server's RSS before and after, and checks afterwards that the
# server holds exactly the events it acknowledged (nothing lost or doubled).
# Each round starts from a copy of the prepared data; the figures are the
# medians of the rounds.
#
#   meson compile -C build-rel bench-load     (a release build: figures count)
#   tests/bench/bench-load.sh --server B --anchor B --prepare B [options]
#
# Options: --database URL (passed to `serve`; default: SQLite in the data
# folder), --workers N, --connections N (1000), --threads N (2),
# --duration S (10), --devices N (1200), --rounds N (3), --keep DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
server= anchor= prepare= database= workers= keep=
connections=1000 threads=2 duration=10 devices=1200 rounds=3
preload=100 batches=16 batch_events=5 blobs=6000 blob_bytes=32768

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --anchor) anchor=$2; shift 2 ;;
    --prepare) prepare=$2; shift 2 ;;
    --database) database=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "bench-load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$server" ] || [ -z "$anchor" ] || [ -z "$prepare" ]; then
  echo "Usage: bench-load.sh --server ANJIAN_SERVER --anchor ANCHOR_SERVER --prepare BENCH_LOAD_PREPARE [options]" >&2
  exit 2
fi
command -v wrk >/dev/null || { echo "bench-load.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=${keep:-$(mktemp -d /tmp/bench-load.XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

# Starts a server whose first line is "listening on URL"; sets url and pid.
start() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do
    url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  url=${url%/}
  [ -n "$url" ] || { echo "bench-load.sh: $1 did not start:" >&2; cat "$log" >&2; exit 1; }
}

stop() {
  kill "$1"; wait "$1" 2>/dev/null || true
}

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

serve_args() {
  local data=$1
  echo serve --data "$data" --listen 127.0.0.1:0 --event-rate 0 \
    ${workers:+--workers "$workers"} ${database:+--database "$database"}
}

# The events the server holds, from its overview page (any database).
event_count() {
  curl -s "$1/" | grep -o '同步记录</dt><dd>[0-9]*' | grep -o '[0-9]*$'
}

prepare_data() {
  local data=$1 out=$2
  root=${ANJIAN_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
  "$server" import-registry --data "$data" ${database:+--database "$database"} "$root/data/registry.json" >/dev/null
  start "$work/prepare-server.log" "$server" $(serve_args "$data")
  "$prepare" "$url" "$data" "$out" "$devices" "$preload" "$batches" "$batch_events" "$blobs" "$blob_bytes" >&2
  stop "$pid"
}

run_wrk() {
  local name=$1 script=$2 url=$3
  BENCH_DATA=$prepared BENCH_SCRIPTS=$here BENCH_NAME=$name BENCH_THREADS=$threads \
  BENCH_BATCH_EVENTS=$batch_events BENCH_INFLIGHT=$work/inflight-$name.txt \
    wrk -t "$threads" -c "$connections" -d "${duration}s" --timeout 30s --latency -s "$here/$script" "$url" \
    > "$work/wrk-$name.log" 2>&1 || true
  grep '^RESULT' "$work/wrk-$name.log" || echo "RESULT $name 0 0 0 -1 0 wrk-failed"
}

# The batches wrk sent but had no answer to when it stopped: sent again
# (once the writes queued before them are done, so the next kind starts on
# a quiet server), each either stored already or stored now, never twice.
resend_unanswered() {
  accepted=$(grep "^$round RESULT push " "$results" | sed -n 's/.*accepted=\([0-9]*\).*/\1/p')
  accepted=${accepted:-0}
  while IFS=$'\t' read -r token body; do
    answer=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                  --data-binary "$body" "$server_url/api/v1/events")
    if [[ "$answer" == *'"refused":0'* ]]; then accepted=$((accepted + batch_events)); else
      echo "bench-load.sh: a batch sent again was refused: ${answer:0:200}" >&2; fi
  done < "$work/inflight-push.txt"
}

prepared=$work/prepared
if [ ! -f "$prepared/push.txt" ]; then
  echo "preparing $devices devices ($preload events each already pushed, $batches batches of $batch_events to push)…" >&2
  prepare_data "$work/data-prepared" "$prepared"
fi
results=$work/results.txt
: > "$results"

for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  data=$work/data-round
  rm -rf "$data"
  if [ -z "$database" ] || [[ "$database" == sqlite:* ]]; then
    cp -a "$work/data-prepared" "$data"
  else
    # Another database holds what the prepared folder would: make it again.
    rm -rf "$prepared"; prepare_data "$data" "$prepared"
  fi

  start "$work/anchor.log" "$anchor" 127.0.0.1:0 "$(cat "$prepared/pull-bytes.txt")"
  anchor_pid=$pid anchor_url=$url
  run_wrk anchor bench-load-pull.lua "$anchor_url" | sed "s/^/$round /" >> "$results"
  stop "$anchor_pid"

  start "$work/server.log" "$server" $(serve_args "$data")
  server_pid=$pid server_url=$url
  before_events=$(event_count "$server_url")
  rss_start=$(rss_kib "$server_pid")
  for kind in pull push page photo; do
    run_wrk "$kind" "bench-load-$kind.lua" "$server_url" | sed "s/^/$round /" >> "$results"
    [ "$kind" = pull ] && rss_before=$(rss_kib "$server_pid")
    [ "$kind" = push ] && resend_unanswered
  done
  # Pulls again, after the rest: memory that grows with requests shows here.
  run_wrk pull-again bench-load-pull.lua "$server_url" | sed "s/^/$round /" >> "$results"
  rss_after=$(rss_kib "$server_pid")
  after_events=$(event_count "$server_url")
  echo "$round EVENTS $before_events $accepted $after_events" >> "$results"
  echo "$round RSS $rss_start $rss_before $rss_after" >> "$results"
  stop "$server_pid"
done

# ---- the figures ----
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print v[int((NR + 1) / 2)] }'; }
field() { grep " RESULT $1 " "$results" | awk -v f="$2" '{ print $f }' | median; }

echo
echo "anjian-server under load: $connections connections, $threads wrk threads, ${duration}s per kind,"
echo "$devices devices; medians of $rounds rounds; database: ${database:-sqlite (data folder)};"
echo "workers: ${workers:-default (processors, at least 2)}; $(nproc) processors shared with wrk (and other users)"
printf '%-11s %10s %9s %9s %8s\n' kind 'req/s' 'p50 ms' 'p99 ms' errors
for kind in anchor pull push page photo pull-again; do
  printf '%-11s %10s %9s %9s %8s\n' "$kind" "$(field "$kind" 4)" "$(field "$kind" 5)" "$(field "$kind" 6)" "$(field "$kind" 7)"
done
anchor_rps=$(field anchor 4) pull_rps=$(field pull 4)
echo "pull / anchor: $(awk -v p="$pull_rps" -v a="$anchor_rps" 'BEGIN { printf "%.2f", (a > 0 ? p / a : 0) }') (goal ≥ 0.5)"
grep ' RESULT push ' "$results" | sed 's/.*RESULT push [^ ]* [^ ]* [^ ]* [^ ]* [^ ]* /push detail: /'
while read -r round _ before accepted after; do
  expected=$((before + accepted))
  verdict=$([ "$after" = "$expected" ] && echo "exact" || echo "MISMATCH")
  echo "round $round events: $before before + $accepted acknowledged (pushes and the unanswered ones sent again)" \
       "= $expected; the server holds $after: $verdict"
done < <(grep ' EVENTS ' "$results")
while read -r round _ start before after; do
  echo "round $round server RSS: $((start / 1024)) MiB idle, $((before / 1024)) MiB after the first pulls," \
       "$((after / 1024)) MiB after pushes, pages, photos and pulls again"
done < <(grep ' RSS ' "$results")
