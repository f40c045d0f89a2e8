#!/bin/sh
# Installs what is needed, builds with -Werror under AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs every test suite headless: Xvfb and a
# D-Bus session are started here and stopped at the end.
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh

BUILD=build-tests
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C "$BUILD"

# A free X display for the UI tests.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do
  display=$((display + 1))
done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null || true' EXIT INT TERM
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -e "/tmp/.X11-unix/X$display" ] && break
  sleep 0.5
done

export DISPLAY=":$display"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

if [ $# -gt 0 ]; then
  # Named tests only, as the developer asked.
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" dbus-run-session -- meson test -C "$BUILD" --print-errorlogs "$@"
else
  # The kiosk's window (suite ui) runs one test at a time on the X display,
  # so it runs beside the rest, which uses the other core: the two halves
  # take about as long as the longer one. GTK and its libraries keep caches
  # for the life of the process, so leak reports would be noise in the
  # window's tests; every other sanitizer finding fails the run.
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" \
    dbus-run-session -- meson test -C "$BUILD" --no-rebuild --print-errorlogs --suite ui --logbase ui \
    > "$BUILD/meson-logs/ui-console.txt" 2>&1 &
  ui_pid=$!

  # Core, server, integration and fault tests with LeakSanitizer on: what
  # GLib, fontconfig or cairo keep for the life of a process is named in
  # build-aux/lsan.supp, each with its reason. The slow unwinder is needed
  # for those names to match through GLib's frames; it costs in proportion to
  # the frames it records, so twelve are kept (enough for every name there
  # but cairo's PDF font subsets, whose stacks are deeper: for this run the
  # whole of libcairo is named instead). test-report and test-labels, which
  # make the PDFs, record 24 frames with the exact list (tests/unit/meson.build),
  # so a surface our code forgets to destroy still fails them.
  shallow_supp="$PWD/$BUILD/lsan-shallow.supp"
  { cat build-aux/lsan.supp; echo "leak:libcairo.so"; } > "$shallow_supp"
  rest=0
  ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=12:abort_on_error=1" \
  LSAN_OPTIONS="suppressions=$shallow_supp:print_suppressions=0" \
    dbus-run-session -- meson test -C "$BUILD" --no-rebuild --print-errorlogs --no-suite ui --no-suite fuzz -t 3 \
    --logbase rest || rest=$?

  # The integration and fault suites again with the server on PostgreSQL
  # (issue 16): each test makes a throwaway cluster of its own (initdb in a
  # temporary folder, a unix socket there), so nothing needs to be running.
  # test-multi is on PostgreSQL in the pass above already, with
  # LeakSanitizer: it drives every PostgreSQL function of the server
  # (aj-server-db-pg.c), so a leak there fails that pass. This pass runs
  # under AddressSanitizer and UBSan without leak detection: the slow
  # unwinder LeakSanitizer needs on every allocation made this pass take
  # 7 minutes instead of 4, and the whole run 23 instead of 16 (measured on
  # two cores): it must stay under 20.
  pg_tests=$(meson test -C "$BUILD" --no-rebuild --list --suite integration --suite fault 2>/dev/null |
             sed -n 's|^anjian:[a-z]* / ||p' | grep -v '^test-multi$')
  # shellcheck disable=SC2086
  ANJIAN_TEST_DATABASE=postgresql \
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" \
    dbus-run-session -- meson test -C "$BUILD" --no-rebuild --print-errorlogs -t 3 \
    --logbase rest-postgresql $pg_tests || rest=$?

  ui=0
  wait "$ui_pid" || ui=$?
  echo "---- the kiosk's window (suite ui) ----"
  cat "$BUILD/meson-logs/ui-console.txt"
  if [ "$rest" -ne 0 ] || [ "$ui" -ne 0 ]; then
    echo "Tests failed: core/server/integration/fault exit $rest, ui exit $ui" >&2
    exit 1
  fi
fi

# ---- fuzzing (tests/fuzz/README.md) -------------------------------------
# After the main run: the libFuzzer targets, built with clang in build-fuzz
# and run for ANJIAN_FUZZ_SECONDS each (5; 0 skips), two at a time. About a
# minute to build and under a minute to run. run-fuzz.sh sets the
# sanitizers' options itself: leaks count there.
fuzz_seconds=${ANJIAN_FUZZ_SECONDS:-5}
if [ "$fuzz_seconds" -gt 0 ]; then
  FUZZ_JOBS=2 build-aux/run-fuzz.sh "$fuzz_seconds"
fi
