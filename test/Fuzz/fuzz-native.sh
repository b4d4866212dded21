#!/usr/bin/env bash
# Fuzzes one native C ABI harness (test/Fuzz/Native/fuzz_TARGET.cpp) with libFuzzer under ASan + UBSan.
#
#   test/Fuzz/fuzz-native.sh TARGET MINUTES [ENTRY]   (also: ./build.sh fuzz native-TARGET MINUTES [ENTRY])
#   test/Fuzz/fuzz-native.sh build                    only build every harness into build/fuzz-native/
#
# TARGET: roi_align, nms, image_decode, resize, png_encode. ENTRY (e.g. mro_nms_f64, img_decode_memory) spends every
# execution on that entry point of the harness (FUZZ_ENTRY) instead of the mix its inputs choose. One process, no
# -jobs: the campaign shares the machine.
# Starts from the saved corpus (test/Fuzz/Native/corpus/TARGET) plus fresh structured seeds (make_seeds.py), writes
# the statistics to artifacts/fuzz/TARGET/stats.txt, crashes and timeouts to artifacts/fuzz/TARGET/, and merges what
# gained coverage back into the saved corpus, minimised (-merge=1). Stop a run early with kill -USR1 on the fuzzer's pid.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build/fuzz-native"
TARGETS=(roi_align nms image_decode resize png_encode)

log() { printf '[fuzz-native] %s\n' "$*" >&2; }

build() {
  if ! command -v clang++ >/dev/null 2>&1; then
    log "clang is not installed: apt-get install clang libclang-rt-14-dev libfuzzer-14-dev"
    exit 1
  fi
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S "$ROOT/test/Fuzz/Native" -B "$BUILD" >/dev/null
  fi
  cmake --build "$BUILD" -j "$(nproc)" 2>&1 | grep -E 'error|warning: ' >&2 || true
  cmake --build "$BUILD" >/dev/null  # a failed build is an error
}

if [ "${1:-}" = build ]; then
  build
  exit 0
fi
if [ $# -lt 2 ] || [ $# -gt 3 ] || ! [[ " ${TARGETS[*]} " == *" $1 "* ]] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET MINUTES [ENTRY] | build   (TARGET: ${TARGETS[*]})" >&2
  exit 2
fi
target="$1"
minutes="$2"
entry="${3:-}"
build

corpus="$ROOT/test/Fuzz/Native/corpus/$target"
out="$ROOT/artifacts/fuzz/$target"
work="$out/work"
rm -rf "$work" "$out/seeds"
mkdir -p "$corpus" "$work" "$out"
# Findings of an earlier run are kept aside, so that this run's counts are its own.
if compgen -G "$out/crash-*" >/dev/null || compgen -G "$out/timeout-*" >/dev/null || compgen -G "$out/oom-*" >/dev/null; then
  mkdir -p "$out/previous"
  mv "$out"/crash-* "$out"/timeout-* "$out"/oom-* "$out/previous/" 2>/dev/null || true
fi
if ! /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
  log "Pillow is not installed (make_seeds.py writes the image seeds with it): apt-get install python3-pil"
  exit 1
fi
/usr/bin/python3 "$ROOT/test/Fuzz/Native/make_seeds.py" "$out/seeds" >/dev/null
log "fuzzing $target${entry:+ ($entry only)} for $minutes min (corpus: $(ls "$corpus" | wc -l) saved inputs)"
start=$(date +%s)
status=0
# The fuzzer writes new inputs to the first directory (work); the saved corpus and the seeds are only read.
# The harness keeps its calls per entry point in calls.bin, so a run stopped early (kill -USR1 PID: libFuzzer stops
# gracefully, and this script merges and reports as usual) still counts them.
rm -f "$out/calls.bin" "$out/calls.bin.names"
FUZZ_ENTRY="$entry" FUZZ_CALLS_FILE="$out/calls.bin" "$BUILD/fuzz_$target" -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$out/" "$work" "$corpus" "$out/seeds/$target" >"$out/fuzz.log" 2>&1 || status=$?
wall=$(($(date +%s) - start))

# Minimised corpus: the saved inputs plus whatever of this run adds coverage, each input read as the replay test reads
# it (its own choice of entry point, whatever ENTRY was).
merged="$out/merged"
rm -rf "$merged"
mkdir -p "$merged"
"$BUILD/fuzz_$target" -merge=1 -timeout=10 -rss_limit_mb=2048 "$merged" "$corpus" "$work" "$out/seeds/$target" \
  >"$out/merge.log" 2>&1
# The inputs of fixed findings (regression-*) stay under their names: tests replay them one by one.
mkdir -p "$merged/kept"
cp "$corpus"/regression-* "$merged/kept/" 2>/dev/null || true
rm -rf "$corpus"
mkdir -p "$corpus"
find "$merged" -maxdepth 1 -type f -exec cp {} "$corpus"/ \;
cp "$merged/kept"/* "$corpus"/ 2>/dev/null || true

final() { grep -E "^stat::$1:" "$out/fuzz.log" | awk '{print $2}'; }
done_line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$out/fuzz.log" | tail -1 || true)
crashes=$(find "$out" -maxdepth 1 -name 'crash-*' | wc -l)
timeouts=$(find "$out" -maxdepth 1 -name 'timeout-*' | wc -l)
ooms=$(find "$out" -maxdepth 1 -name 'oom-*' | wc -l)
{
  echo "target: $target"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "entry: ${entry:-all}"
  echo "fuzzer_exit: $status"
  echo "wall_s: $wall"
  echo "execs: $(final number_of_executed_units)"
  echo "exec_per_s: $(final average_exec_per_sec)"
  echo "cov_ft: $(sed -nE 's/.*(cov: [0-9]+ ft: [0-9]+).*/\1/p' <<<"$done_line")"
  echo "peak_rss_mb: $(final peak_rss_mb)"
  echo "crashes: $crashes"
  echo "timeouts_over_10s: $timeouts"
  echo "ooms: $ooms"
  echo "corpus_files: $(ls "$corpus" | wc -l)"
  echo "corpus_bytes: $(du -sb "$corpus" | cut -f1)"
  /usr/bin/python3 -c '
import struct, sys
names = open(sys.argv[1] + ".names").read().split()
counts = struct.unpack("<%dQ" % len(names), open(sys.argv[1], "rb").read(8 * len(names)))
for name, count in zip(names, counts):
    print("calls:", name, count)' "$out/calls.bin"
} >"$out/stats.txt"
cat "$out/stats.txt"
[ "$status" -eq 0 ]
