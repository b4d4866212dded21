#!/usr/bin/env bash
# Coverage-guided fuzzing of one managed parser with AFL++ through SharpFuzz.
#
#   test/Fuzz/fuzz-managed.sh TARGET MINUTES      (or ./build.sh fuzz TARGET MINUTES)
#
# Publishes test/Microsoft.ML.MaskRcnn.Fuzz into build/fuzz-managed/, instruments the product's assemblies with
# SharpFuzz (a local tool in build/tools), starts from test/Fuzz/Managed/corpus/TARGET (or the harness's own seeds when
# that is empty), fuzzes for MINUTES, then:
#   - appends a line of figures to artifacts/fuzz/TARGET/stats.txt (executions, rate, coverage, crashes, hangs);
#   - minimises the queue with afl-cmin back into test/Fuzz/Managed/corpus/TARGET (commit it: CI replays it);
#   - copies crashes and hangs to test/Fuzz/Managed/findings/TARGET/ and replays them, printing each finding.
# Targets: Microsoft.ML.MaskRcnn.Fuzz list.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${1:?usage: $0 TARGET MINUTES}"
MINUTES="${2:?usage: $0 TARGET MINUTES}"
HARNESS_DIR="$ROOT/build/fuzz-managed"
# Two copies: "plain" writes seeds and replays findings (an instrumented assembly only runs under afl-fuzz), "afl" is
# instrumented.
PLAIN="$HARNESS_DIR/plain/Microsoft.ML.MaskRcnn.Fuzz"
HARNESS="$HARNESS_DIR/afl/Microsoft.ML.MaskRcnn.Fuzz"
TOOLS="$ROOT/build/tools"
WORK="$ROOT/artifacts/fuzz/$TARGET"
CORPUS="$ROOT/test/Fuzz/Managed/corpus/$TARGET"
FINDINGS="$ROOT/test/Fuzz/Managed/findings/$TARGET"

log() { printf '[fuzz] %s\n' "$*" >&2; }

if ! command -v afl-fuzz >/dev/null 2>&1; then
  log "afl-fuzz is missing: install Debian's afl++ (as root: apt-get install -y afl++)"
  exit 1
fi
if [ ! -x "$TOOLS/sharpfuzz" ]; then
  log "Installing SharpFuzz.CommandLine into build/tools"
  dotnet tool install --tool-path "$TOOLS" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# A fresh publish each time: SharpFuzz rewrites assemblies in place and must not instrument them twice.
log "Publishing the harness"
rm -rf "$HARNESS_DIR"
dotnet publish "$ROOT/test/Microsoft.ML.MaskRcnn.Fuzz" -c Release -o "$HARNESS_DIR/plain" -p:SkipNativeBuild=true -nologo -v quiet >/dev/null
"$PLAIN" list | grep -q "^$TARGET " || { log "unknown target '$TARGET'"; "$PLAIN" list >&2; exit 2; }
cp -r "$HARNESS_DIR/plain" "$HARNESS_DIR/afl"
for assembly in Microsoft.ML.MaskRcnn.dll maskrcnn.dll; do  # the product and the CLI (assembly maskrcnn)
  "$TOOLS/sharpfuzz" "$HARNESS_DIR/afl/$assembly" >/dev/null
done

mkdir -p "$WORK" "$CORPUS"
INPUT="$CORPUS"
if [ -z "$(ls -A "$CORPUS")" ]; then
  log "No saved corpus: starting from the harness's seeds"
  rm -rf "$WORK/seeds"
  "$PLAIN" seeds "$WORK/seeds"
  INPUT="$WORK/seeds/$TARGET"
fi

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
rm -rf "$WORK/findings"
log "Fuzzing $TARGET for $MINUTES minute(s)"
start=$(date +%s)
afl-fuzz -i "$INPUT" -o "$WORK/findings" -t 10000 -m none -V $((MINUTES * 60)) -- "$HARNESS" "$TARGET" >"$WORK/afl.log" 2>&1 || {
  log "afl-fuzz failed; the end of its log:"; tail -30 "$WORK/afl.log" >&2; exit 1; }
wall=$(( $(date +%s) - start ))

stats="$WORK/findings/default/fuzzer_stats"
value() { grep "^$1 " "$stats" | sed 's/.*: *//'; }
line="$(date -u +%Y-%m-%dT%H:%MZ) target=$TARGET wall_s=$wall execs=$(value execs_done) execs_per_s=$(value execs_per_sec) \
edges=$(value edges_found) bitmap=$(value bitmap_cvg) corpus=$(value corpus_count) crashes=$(value saved_crashes) hangs=$(value saved_hangs)"
echo "$line" | tee -a "$WORK/stats.txt"

log "Minimising the queue into test/Fuzz/Managed/corpus/$TARGET"
rm -rf "$WORK/cmin"
if afl-cmin -i "$WORK/findings/default/queue" -o "$WORK/cmin" -t 10000 -m none -- "$HARNESS" "$TARGET" >"$WORK/cmin.log" 2>&1; then
  rm -rf "$CORPUS" && mkdir -p "$CORPUS"
  # Names by content hash: stable across runs, no AFL bookkeeping in the repository.
  for f in "$WORK/cmin"/*; do cp "$f" "$CORPUS/$(sha1sum "$f" | cut -c1-16)"; done
else
  log "afl-cmin failed (see $WORK/cmin.log); the saved corpus is left as it was"
fi

found=0
for kind in crashes hangs; do
  for f in "$WORK/findings/default/$kind"/id*; do
    [ -f "$f" ] || continue
    mkdir -p "$FINDINGS"
    cp "$f" "$FINDINGS/$kind-$(sha1sum "$f" | cut -c1-16)"
    found=$((found + 1))
  done
done
if [ "$found" -gt 0 ]; then
  log "$found finding(s) copied to test/Fuzz/Managed/findings/$TARGET; replaying them:"
  "$PLAIN" replay "$TARGET" "$FINDINGS" || true
  exit 1
fi
log "No crash, no hang."
