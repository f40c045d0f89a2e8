#!/bin/sh
# Runs one libFuzzer target for a bounded time over its seed corpus.
# usage: run-target.sh <harness> <target> <seconds> <run-dir> [libFuzzer options...]
# New inputs go to <run-dir>/<target>/corpus, never into the source tree; a
# crash, leak, UB report or failed property is kept in
# <run-dir>/<target>/artifacts/ and fails the run.
set -eu

exe=$1 target=$2 seconds=$3 rundir=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
work="$rundir/$target"
mkdir -p "$work/corpus" "$work/artifacts"

# The targets' own sanitizer settings, whatever the caller's: leaks are
# findings here, UB stops the run, and GLib 2.74's slice allocator would
# hide leaks and reuse of freed memory.
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

set --  -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@"
[ -f "$here/dict/$target.dict" ] && set -- "$@" -dict="$here/dict/$target.dict"

exec "$exe" "$@" "$work/corpus" "$here/corpus/$target"
