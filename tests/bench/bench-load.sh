#!/bin/bash
# bench-load.sh: the server under load (issue 16, part 4). Not a test: it
# prints figures. Starts the anchor (a minimal libsoup server answering a
# body of the same size as a pull of 100 events) and the real anjian-server
# on a store prepared with many enrolled devices and their events, then
# drives each with wrk at 1,000 connections: pulls, pushes (batches that
# continue each device's chain, never sent twice), /h/<id> public pages and
# photo uploads. Prints requests/s, p50/p99, errors, the pull's ratio to the
# anchor, the servers' RSS, and checks afterwards that the servers hold
# exactly the events they acknowledged (nothing lost or doubled). Each round
# starts from a copy of the prepared data; the figures are the medians of
# the rounds.
#
#   meson compile -C build-rel bench-load     (a release build: figures count)
#   tests/bench/bench-load.sh --server B --anchor B --prepare B [options]
#   tests/bench/bench-load.sh … --postgresql --servers 3   (three servers, one PostgreSQL)
#
# Two measures of each kind:
#  - saturated (rows "pull", "push", …): a closed loop, each of the 1,000
#    connections sends its next request as soon as the answer comes. This
#    gives the most requests per second the setup can answer; its latency
#    is then about connections ÷ throughput (Little's law: 1,000 requests
#    always waiting), whatever the server does: 4,000 req/s means ~250 ms,
#    so a p99 under 200 ms at 1,000 saturating connections cannot be had
#    even by the anchor.
#  - paced (rows "…-paced"): the same 1,000 connections each behave like a
#    device that waits between requests (wrk's delay(): a wait drawn
#    uniformly between 0 and 2E before each request, the first included,
#    so that they do not all start at once). The offered rate is 1,000 ÷ E
#    requests/s (--every E, default 5 s: 200/s), below what the server
#    answers saturated; p50/p99 are then the latency a device sees at that
#    rate. E is at most 7 s: wrk keeps the connection open while it waits,
#    and the server cuts a kept connection idle for 15 s (HEADER_TIMEOUT_S
#    in aj-server-request.c), which wrk would count as an error (and then
#    wait twice). So a rate of pushes far below 1,000 ÷ 15 s cannot be
#    offered by pushes alone: "push-paced" is the devices' mixed sync, each
#    request a push with a probability that makes --push-rate pushes/s
#    (default 10) and a pull of 100 events otherwise; its row is about the
#    pushes alone, timed by the Lua script (request to answer). "anchor-
#    paced" and "pull-paced" are all pulls. The "offered" column is the
#    rate asked for; req/s the rate achieved (a little lower: the wait
#    starts once the answer is in). Not a true open loop: a connection
#    waits for its answer before it waits again, so a server that stalls
#    is sent less (the achieved rate shows it).
#
# Several servers (--servers N, needs a shared database: --postgresql, or
# --database postgresql://…): N anjian-server processes, each with its own
# --data cache and one shared --blob-dir, all on the one database. The
# anchor is run the same way (N anchors), so the ratio compares like with
# like. How the connections reach them (--front):
#  - split (the default): N wrk processes, each with 1/N of the connections
#    on one server (threads ÷ N threads each, at least 1); pushes are split
#    by device, so a chain is never sent by two processes. Requests/s and
#    errors are summed; p50/p99 are read from the merged latency quantiles
#    of the N processes (each writes 1,008 quantiles: exact to 0.1 %).
#  - nginx: one wrk on an nginx in front of the N servers (build-aux/
#    nginx-anjian.conf's proxy settings, without TLS; least_conn, keepalive
#    connections to the servers; nginx's two workers share the same two
#    processors). Needs nginx (apt-get install nginx-light).
#
# --postgresql makes a throwaway cluster itself: initdb in the work folder
# (as nobody when run as root: PostgreSQL refuses root), postgres on a unix
# socket there only (fsync on: the same durability as SQLite's), stopped at
# exit. The prepared data is made once in a database "prepared"; each round
# copies it (CREATE DATABASE … TEMPLATE prepared) and each server's cache
# folder. With --keep DIR, the cluster and the prepared data stay in DIR
# and a later run with the same DIR uses them again (--servers may differ).
#
# The exact count: after the run, the events each server shows on its
# overview page (each catches up with the shared log first) and, on
# PostgreSQL, the events the database holds, against those held before plus
# the events acknowledged (pushes, and the unanswered ones sent again).
#
# Options: --database URL (passed to `serve`; default: SQLite in the data
# folder), --postgresql, --servers N (1), --front split|nginx,
# --workers N, --connections N (1000), --threads N (2), --duration S (10),
# --paced-duration S (30), --every S (5), --push-rate N (10), --no-paced,
# --devices N (1200), --rounds N (3), --keep DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
server= anchor= prepare= database= workers= keep=
connections=1000 threads=2 duration=10 devices=1200 rounds=3
servers=1 postgresql=0 front=split
paced=1 paced_duration=30 every=5 push_rate=10
preload=100 batches=16 batch_events=5 blobs=6000 blob_bytes=32768

while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --anchor) anchor=$2; shift 2 ;;
    --prepare) prepare=$2; shift 2 ;;
    --database) database=$2; shift 2 ;;
    --postgresql) postgresql=1; shift ;;
    --servers) servers=$2; shift 2 ;;
    --front) front=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --paced-duration) paced_duration=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    --push-rate) push_rate=$2; shift 2 ;;
    --no-paced) paced=0; shift ;;
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
case "$front" in
  split) ;;
  nginx) command -v nginx >/dev/null || { echo "bench-load.sh: --front nginx needs nginx (apt-get install nginx-light)" >&2; exit 2; } ;;
  *) echo "bench-load.sh: --front takes split or nginx" >&2; exit 2 ;;
esac
if [ "$every" -lt 1 ] || [ "$every" -gt 7 ]; then
  echo "bench-load.sh: --every takes 1 to 7 seconds (the server cuts a connection idle for 15 s)" >&2; exit 2
fi
push_share=$(awk -v r="$push_rate" -v c="$connections" -v e="$every" 'BEGIN { s = r * e / c; print (s > 1 ? 1 : s) }')
if [ "$postgresql" = 1 ] && [ -n "$database" ]; then
  echo "bench-load.sh: --postgresql makes its own database; give it or --database, not both" >&2; exit 2
fi
if [ "$servers" -gt 1 ] && [ "$postgresql" = 0 ] && [[ "$database" != postgres* ]]; then
  echo "bench-load.sh: several servers need a shared database (--postgresql or --database postgresql://…)" >&2; exit 2
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=${keep:-$(mktemp -d /tmp/bench-load.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
pids=()
pg_pid=
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_pid" ]; then
    kill -INT "$pg_pid" 2>/dev/null || true   # a fast shutdown
    wait "$pg_pid" 2>/dev/null || true
  fi
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "bench-load.sh: stopped at line $LINENO: $BASH_COMMAND" >&2' ERR

# ---- the throwaway PostgreSQL cluster ----
pg_bin=${ANJIAN_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_dir=$work/pg

# PostgreSQL refuses to run as root: as nobody then, who owns its folder.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}

pg_url() {
  echo "postgresql:///$1?host=${pg_dir//\//%2F}&user=anjian"
}

pg_sql() {
  PGOPTIONS='-c client_min_messages=warning' "$pg_bin/psql" -h "$pg_dir" -U anjian -d "$1" -Atqc "$2"
}

start_postgresql() {
  [ -x "$pg_bin/initdb" ] || { echo "bench-load.sh: no PostgreSQL in $pg_bin (ANJIAN_PG_BIN)" >&2; exit 2; }
  chmod 711 "$work"
  if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
    rm -rf "$pg_dir"
    mkdir -p "$pg_dir"
    [ "$(id -u)" != 0 ] || chown 65534:65534 "$pg_dir"
    (cd "$pg_dir" && as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U anjian --auth=trust -E UTF8 --no-locale \
       >"$work/initdb.log" 2>&1) || { cat "$work/initdb.log" >&2; exit 1; }
  fi
  (cd "$pg_dir" && setpriv_or_exec "$pg_bin/postgres" -D "$pg_dir/data" -k "$pg_dir" -c listen_addresses= \
     -c max_connections=200 -c shared_buffers=128MB >"$work/postgres.log" 2>&1) &
  pg_pid=$!
  for _ in $(seq 300); do
    "$pg_bin/pg_isready" -q -h "$pg_dir" -U anjian -d postgres && return 0
    kill -0 "$pg_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench-load.sh: PostgreSQL did not start:" >&2; cat "$work/postgres.log" >&2; exit 1
}

setpriv_or_exec() {
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    exec "$@"
  fi
}

# ---- servers, nginx and wrk ----

# Starts a server whose first line is "listening on URL"; sets url and pid.
start() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  url=
  for _ in $(seq 300); do
    url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  url=${url%/}
  [ -n "$url" ] || { echo "bench-load.sh: $1 did not start:" >&2; cat "$log" >&2; exit 1; }
}

stop() {
  kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}

rss_kib() { awk -v k="${2:-VmRSS}:" '$1 == k { print $2 }' "/proc/$1/status"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# An nginx in front of the URLs given; sets url and pid. The proxy settings
# of build-aux/nginx-anjian.conf, on plain HTTP, with enough connections
# and keepalive connections to the servers for 1,000 clients.
start_nginx() {
  local port upstreams= u
  port=$(free_port)
  for u in "$@"; do upstreams+="        server ${u#http://} max_fails=3 fail_timeout=10s;"$'\n'; done
  mkdir -p "$work/nginx-tmp"
  chmod 1777 "$work/nginx-tmp"
  cat > "$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    upstream anjian {
        least_conn;
$upstreams        keepalive 512;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        client_max_body_size 33m;
        proxy_request_buffering off;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_read_timeout 120s;
        proxy_next_upstream error timeout http_502 http_503;
        proxy_next_upstream_tries 3;
        location = /api/v1/events {
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_pass http://anjian;
        }
        location / {
            proxy_pass http://anjian;
        }
    }
}
EOF
  nginx -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  url=http://127.0.0.1:$port
  for _ in $(seq 100); do
    curl -s -o /dev/null "$url/" && return 0
    sleep 0.1
  done
  echo "bench-load.sh: nginx did not start:" >&2; cat "$work/nginx.log" "$work/nginx-error.log" >&2; exit 1
}

# The front: "targets" is what wrk drives (one URL, or one per server when
# split); "front_pid" is nginx's, if any. Arguments: the servers' URLs.
start_front() {
  front_pid=
  if [ "$front" = nginx ] && [ $# -gt 1 ]; then
    start_nginx "$@"
    front_pid=$pid targets=("$url")
  else
    targets=("$@")
  fi
}

stop_front() {
  [ -z "$front_pid" ] || stop "$front_pid"
}

serve_args() {
  local data=$1
  echo serve --data "$data" --listen 127.0.0.1:0 --event-rate 0 \
    ${workers:+--workers "$workers"} ${database:+--database "$database"} ${blob_dir:+--blob-dir "$blob_dir"}
}

# The events a server holds, from its overview page (any database; with a
# shared one, the server catches up with its log first).
event_count() {
  local n
  for _ in $(seq 50); do
    n=$(curl -s "$1/" | grep -o '同步记录</dt><dd>[0-9]*' | grep -o '[0-9]*$' || true)
    [ -z "$n" ] || { echo "$n"; return 0; }
    sleep 0.2
  done
  echo "bench-load.sh: no event count from $1/" >&2
  echo "?"
}

prepare_data() {
  local data=$1 out=$2
  root=${ANJIAN_SOURCE_ROOT:-$(cd "$here/../.." && pwd)}
  "$server" import-registry --data "$data" ${database:+--database "$database"} "$root/data/registry.json" >/dev/null
  start "$work/prepare-server.log" "$server" $(serve_args "$data")
  "$prepare" "$url" "${database:-$data}" "$out" "$devices" "$preload" "$batches" "$batch_events" "$blobs" "$blob_bytes" >&2
  stop "$pid"
}

# The 1,008 latency quantiles of several wrk processes (bench-load-common.lua)
# merged: each point stands for its share of its process's requests; prints
# the merged p50 and p99 in ms.
merge_quantiles() {
  awk '
    FNR == 1 { n = $2; last = 0; next }
    { w[++k] = n * ($1 - last) / 100; v[k] = $2; last = $1 }
    END {
      if (k == 0) { print "0 0"; exit }
      for (i = 1; i <= k; i++) { total += w[i]; order[i] = i }
      # sort by value (insertion sort: a few thousand points)
      for (i = 2; i <= k; i++) { j = i; while (j > 1 && v[order[j - 1]] > v[order[j]]) { t = order[j]; order[j] = order[j - 1]; order[j - 1] = t; j-- } }
      p50 = -1; p99 = -1; c = 0
      for (i = 1; i <= k; i++) {
        c += w[order[i]]
        if (p50 < 0 && c >= (0.50 - 1e-9) * total) p50 = v[order[i]]
        if (p99 < 0 && c >= (0.99 - 1e-9) * total) p99 = v[order[i]]
      }
      printf "%.2f %.2f\n", p50 / 1000, p99 / 1000
    }' "$@"
}

# Runs one kind: NAME SCRIPT DURATION EVERY_MS (0: saturated) [PUSH_SHARE];
# drives "targets", one wrk each (connections and threads split between
# them). Prints one "RESULT name req/s p50 p99 errors requests extra…" line.
run_wrk() {
  local name=$1 script=$2 secs=$3 every_ms=$4 share=${5:-1}
  local n=${#targets[@]} k c t wpids=() logs=() qs=()
  t=$((threads / n)); [ "$t" -ge 1 ] || t=1
  for k in $(seq 0 $((n - 1))); do
    c=$((connections / n + (k < connections % n ? 1 : 0)))
    logs+=("$work/wrk-$name-$k.log") qs+=("$work/quantiles-$name-$k.txt")
    BENCH_DATA=$prepared BENCH_SCRIPTS=$here BENCH_NAME=$name BENCH_THREADS=$t \
    BENCH_PART=$k BENCH_PARTS=$n BENCH_EVERY_MS=$every_ms BENCH_PUSH_SHARE=$share BENCH_QUANTILES=$work/quantiles-$name-$k.txt \
    BENCH_BATCH_EVENTS=$batch_events BENCH_INFLIGHT=$work/inflight-$name-$k.txt \
    BENCH_PROGRESS=$work/progress-push-$k.txt \
      wrk -t "$t" -c "$c" -d "${secs}s" --timeout 30s --latency -s "$here/$script" "${targets[$k]}" \
      > "$work/wrk-$name-$k.log" 2>&1 &
    wpids+=($!)
  done
  for k in "${wpids[@]}"; do wait "$k" || true; done
  if [ "$n" = 1 ]; then
    grep -h '^RESULT' "${logs[0]}" || echo "RESULT $name 0 0 0 -1 0 wrk-failed"
    return
  fi
  local lines
  lines=$(grep -h '^RESULT' "${logs[@]}" || true)
  if [ "$(printf '%s\n' "$lines" | grep -c '^RESULT')" != "$n" ]; then
    echo "RESULT $name 0 0 0 -1 0 wrk-failed"
    return
  fi
  printf '%s\n' "$lines" | awk -v name="$name" -v lat="$(merge_quantiles "${qs[@]}")" '
    { rps += $3; errors += $6; requests += $7
      for (i = 8; i <= NF; i++) { split($i, kv, "="); if (!(kv[1] in extra)) keys[++nk] = kv[1]; extra[kv[1]] += kv[2] } }
    END {
      split(lat, l, " ")
      printf "RESULT %s %.1f %s %s %d %d", name, rps, l[1], l[2], errors, requests
      for (i = 1; i <= nk; i++) printf " %s=%d", keys[i], extra[keys[i]]
      printf "\n"
    }'
}

# The batches wrk sent but had no answer to when it stopped: sent again
# (once the writes queued before them are done, so the next kind starts on
# a quiet server), each either stored already or stored now, never twice.
# At most one a device (a device waits for its answer), so eight at once.
resend_one_by_one() {
  while IFS=$'\t' read -r token body; do
    answer=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                  --data-binary "$body" "${server_urls[0]}/api/v1/events")
    if [[ "$answer" == *'"refused":0'* ]]; then echo "$batch_events"; else
      echo "bench-load.sh: a batch sent again was refused: ${answer:0:200}" >&2; fi
  done
}

resend_unanswered() {
  local name=$1 a f rpids=()
  a=$(grep "^$round RESULT $name " "$results" | sed -n 's/.*accepted=\([0-9]*\).*/\1/p' || true)
  accepted=$((accepted + ${a:-0}))
  rm -f "$work"/resend-*
  { cat "$work"/inflight-"$name"-[0-9]*.txt 2>/dev/null || true; } > "$work/resend-all.txt"
  split -n l/8 -d "$work/resend-all.txt" "$work/resend-part-"
  for f in "$work"/resend-part-*; do
    resend_one_by_one < "$f" > "$f.done" &
    rpids+=($!)
  done
  for f in "${rpids[@]}"; do wait "$f"; done
  accepted=$((accepted + $(cat "$work"/resend-part-*.done /dev/null | awk '{ s += $1 } END { print s + 0 }')))
}

record() {
  sed "s/^/$round /" >> "$results"
}

# ---- the data ----
if [ "$postgresql" = 1 ]; then
  start_postgresql
  database=$(pg_url prepared)
fi
blob_dir=
[ "$servers" = 1 ] && [ "$postgresql" = 0 ] || blob_dir=$work/blobs-prepared
prepared=$work/prepared
if [ ! -f "$prepared/push.txt" ]; then
  echo "preparing $devices devices ($preload events each already pushed, $batches batches of $batch_events to push)…" >&2
  rm -rf "$work/data-prepared" "$work/blobs-prepared"
  if [ "$postgresql" = 1 ]; then
    pg_sql postgres "DROP DATABASE IF EXISTS prepared" && pg_sql postgres "CREATE DATABASE prepared"
  fi
  prepare_data "$work/data-prepared" "$prepared"
fi
results=$work/results.txt
: > "$results"

for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  rm -rf "$work"/data-round-* "$work/blobs-round" "$work"/progress-push-*.txt "$work"/inflight-*.txt
  if [ "$postgresql" = 1 ]; then
    # The prepared database copied, and with it each server's cache.
    pg_sql postgres "DROP DATABASE IF EXISTS bench_round" && pg_sql postgres "CREATE DATABASE bench_round TEMPLATE prepared"
    database=$(pg_url bench_round)
    for s in $(seq "$servers"); do cp -a "$work/data-prepared" "$work/data-round-$s"; done
    mkdir -p "$work/blobs-round"; blob_dir=$work/blobs-round
  elif [ -z "$database" ] || [[ "$database" == sqlite:* ]]; then
    cp -a "$work/data-prepared" "$work/data-round-1"
  else
    # Another database holds what the prepared folder would: make it again.
    [ -z "$blob_dir" ] || { rm -rf "$work/blobs-round"; mkdir -p "$work/blobs-round"; blob_dir=$work/blobs-round; }
    rm -rf "$prepared"; prepare_data "$work/data-round-1" "$prepared"
    for s in $(seq 2 "$servers"); do cp -a "$work/data-round-1" "$work/data-round-$s"; done
  fi

  # The anchors, as many as servers and reached the same way.
  anchor_pids=() anchor_urls=()
  for s in $(seq "$servers"); do
    start "$work/anchor-$s.log" "$anchor" 127.0.0.1:0 "$(cat "$prepared/pull-bytes.txt")"
    anchor_pids+=("$pid") anchor_urls+=("$url")
  done
  start_front "${anchor_urls[@]}"
  run_wrk anchor bench-load-pull.lua "$duration" 0 | record
  [ "$paced" = 0 ] || run_wrk anchor-paced bench-load-pull.lua "$paced_duration" $((every * 1000)) | record
  stop_front
  for pid in "${anchor_pids[@]}"; do stop "$pid"; done

  server_pids=() server_urls=()
  for s in $(seq "$servers"); do
    start "$work/server-$s.log" "$server" $(serve_args "$work/data-round-$s")
    server_pids+=("$pid") server_urls+=("$url")
  done
  start_front "${server_urls[@]}"
  before_events=$(event_count "${server_urls[0]}")
  rss() { local sum=0 p; for p in "${server_pids[@]}"; do sum=$((sum + $(rss_kib "$p"))); done; echo "$sum"; }
  rss_start=$(rss)
  accepted=0
  run_wrk pull bench-load-pull.lua "$duration" 0 | record
  rss_before=$(rss)
  [ "$paced" = 0 ] || run_wrk pull-paced bench-load-pull.lua "$paced_duration" $((every * 1000)) | record
  run_wrk push bench-load-push.lua "$duration" 0 | record
  resend_unanswered push
  if [ "$paced" = 1 ]; then
    run_wrk push-paced bench-load-push.lua "$paced_duration" $((every * 1000)) "$push_share" | record
    resend_unanswered push-paced
  fi
  run_wrk page bench-load-page.lua "$duration" 0 | record
  run_wrk photo bench-load-photo.lua "$duration" 0 | record
  # Pulls again, after the rest: memory that grows with requests shows here.
  run_wrk pull-again bench-load-pull.lua "$duration" 0 | record
  rss_after=$(rss)
  rss_peak=0; for pid in "${server_pids[@]}"; do rss_peak=$((rss_peak + $(rss_kib "$pid" VmHWM))); done
  counts=
  for u in "${server_urls[@]}"; do counts+="$(event_count "$u"),"; done
  [ "$postgresql" = 0 ] || counts+="$(pg_sql bench_round 'SELECT count(*) FROM events WHERE server_seq IS NOT NULL')"
  echo "$round EVENTS $before_events $accepted ${counts%,}" >> "$results"
  echo "$round RSS $rss_start $rss_before $rss_after $rss_peak" >> "$results"
  stop_front
  for pid in "${server_pids[@]}"; do stop "$pid"; done
done

# ---- the figures ----
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }
field() { grep " RESULT $1 " "$results" | awk -v f="$2" '{ print $f }' | median; }

kinds=(anchor pull push page photo pull-again)
[ "$paced" = 0 ] || kinds=(anchor anchor-paced pull pull-paced push push-paced page photo pull-again)
offered() {
  case "$1" in
    anchor-paced|pull-paced) echo $((connections / every)) ;;
    push-paced) echo "$push_rate+$((connections / every - push_rate))" ;;
    *) echo saturated ;;
  esac
}

echo
echo "anjian-server under load: $connections connections, ${duration}s per kind saturated, ${paced_duration}s paced;"
echo "$devices devices; medians of $rounds rounds; database: $([ "$postgresql" = 1 ] && echo "PostgreSQL (throwaway cluster)" || echo "${database:-sqlite (data folder)}");"
echo "servers: $servers$([ "$servers" -gt 1 ] && echo ", front: $front"); wrk: $threads threads in all$([ "$servers" -gt 1 ] && [ "$front" = split ] && echo " ($servers processes)");"
echo "workers: ${workers:-default (processors, at least 2)}; $(nproc) processors shared with wrk (and other users); load: $(uptime | sed 's/.*load average: //')"
echo "paced: each connection waits 0–$((2 * every)) s before each request; push-paced offers $push_rate pushes/s in a mix with" \
     "$((connections / every - push_rate)) pulls/s, its row about the pushes alone"
printf '%-13s %10s %10s %9s %9s %8s\n' kind offered 'req/s' 'p50 ms' 'p99 ms' errors
for kind in "${kinds[@]}"; do
  printf '%-13s %10s %10s %9s %9s %8s\n' "$kind" "$(offered "$kind")" "$(field "$kind" 4)" "$(field "$kind" 5)" \
    "$(field "$kind" 6)" "$(field "$kind" 7)"
done
anchor_rps=$(field anchor 4) pull_rps=$(field pull 4)
echo "pull / anchor (saturated): $(awk -v p="$pull_rps" -v a="$anchor_rps" 'BEGIN { printf "%.2f", (a > 0 ? p / a : 0) }') (goal ≥ 0.5)"
grep -E ' RESULT push(-paced)? ' "$results" | sed 's/^\([0-9]*\) RESULT \([^ ]*\) [^ ]* [^ ]* [^ ]* [^ ]* [^ ]* /round \1 \2 detail: /'
while read -r round _ before accepted after; do
  expected=$((before + accepted))
  verdict=exact
  for count in ${after//,/ }; do [ "$count" = "$expected" ] || verdict=MISMATCH; done
  echo "round $round events: $before before + $accepted acknowledged (pushes and the unanswered ones sent again)" \
       "= $expected; held: $after (each server's overview$([ "$postgresql" = 1 ] && echo ', then PostgreSQL')): $verdict"
done < <(grep ' EVENTS ' "$results")
while read -r round _ start before after peak; do
  echo "round $round servers' RSS$([ "$servers" -gt 1 ] && echo " (sum of $servers)"): $((start / 1024)) MiB idle," \
       "$((before / 1024)) MiB after the first pulls, $((after / 1024)) MiB after everything and pulls again" \
       "(peak $((peak / 1024)) MiB)"
done < <(grep ' RSS ' "$results")
