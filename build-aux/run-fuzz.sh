#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz in build-fuzz (clang, ASan and
# UBSan) and runs each for the given number of seconds, one after another;
# prints, per target, the executions, their rate, the coverage reached and
# the findings. Exits 1 if any target found something.
# usage: build-aux/run-fuzz.sh [seconds per target, default 60] [target...]
#        FUZZ_JOBS=2 runs two targets at a time; FUZZ_BUILD names another build folder.
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-codec push checklist registry registry-csv qr}
jobs=${FUZZ_JOBS:-1}
BUILD=${FUZZ_BUILD:-build-fuzz}

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang meson setup "$BUILD" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
fi
# Only the harnesses and what they link: the kiosk need not build with clang.
meson compile -C "$BUILD" $(for t in $targets; do printf 'tests/fuzz/fuzz-%s ' "$t"; done)

runs="$BUILD/tests/fuzz/runs"
mkdir -p "$runs"

run_one () {
  t=$1
  mkdir -p "$runs/$t/artifacts"
  ls "$runs/$t/artifacts" | sort > "$runs/$t.before"
  if tests/fuzz/run-target.sh "$BUILD/tests/fuzz/fuzz-$t" "$t" "$seconds" "$runs" > "$runs/$t.log" 2>&1; then
    echo ok > "$runs/$t.result"
  else
    echo FAILED > "$runs/$t.result"
  fi
}

pending=""
for t in $targets; do
  run_one "$t" &
  pending="$pending $!"
  if [ "$(echo $pending | wc -w)" -ge "$jobs" ]; then
    for p in $pending; do wait "$p"; done
    pending=""
  fi
done
for p in $pending; do wait "$p"; done

status=0
printf '%-13s %12s %9s %7s %8s  %s\n' target executions exec/s cov ft findings
for t in $targets; do
  log="$runs/$t.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+[[:space:]].* cov: ' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  new=$(ls "$runs/$t/artifacts" | sort | comm -13 "$runs/$t.before" -)
  result=$(cat "$runs/$t.result")
  if [ "$result" != ok ] || [ -n "$new" ]; then
    status=1
    printf '%-13s %12s %9s %7s %8s  %s (log: %s)\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
      "$result" "$log"
    for a in $new; do
      echo "    $runs/$t/artifacts/$a"
    done
    grep -m3 -E 'ERROR: |runtime error|Property failed|CRITICAL|WARNING' "$log" | sed 's/^/    /' || true
  else
    printf '%-13s %12s %9s %7s %8s  none\n' "$t" "$execs" "$rate" "$cov" "$ft"
  fi
done
exit $status
