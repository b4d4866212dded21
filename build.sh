#!/usr/bin/env bash
# One command for everything a developer or CI needs on Debian/Ubuntu.
#
#   ./build.sh            install what is missing, build the native libraries and the .NET solution
#   ./build.sh test       ... then run every test project; ends with "N passed, N failed"
#   ./build.sh main       ... then run the main job (see README.md)
#   ./build.sh bench S    ... then run benchmark suite S (binding, ...)
#   ./build.sh native     only (re)build the native libraries (used by dotnet build itself)
#   ./build.sh fuzz T M   fuzz target T for M minutes: native-<harness> are the C ABIs under libFuzzer
#                         (test/Fuzz/fuzz-native.sh), the others the managed parsers under AFL++ (test/Fuzz/fuzz-managed.sh)
#
# Idempotent: a second run with nothing changed only checks and finishes in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NATIVE_BUILD="$ROOT/build/native"
CONFIGURATION="${CONFIGURATION:-Release}"

# Debian packages: CMake and g++ for the product's native kernels and the image codec (libpng-dev,
# libjpeg62-turbo-dev); libtorch itself comes from NuGet (TorchSharp-cpu) with the .NET restore.
# For tests and benchmarks only, Debian's Python torch/torchvision (1.13/0.14) as the reference implementation.
# fonts-dejavu-core: the typeface of the overlay labels and the training report (fontconfig finds it).
BUILD_PACKAGES=(libpng-dev libjpeg62-turbo-dev cmake g++ make fonts-dejavu-core)
# OpenBLAS so that the reference's BLAS is fast (without it Debian's torch runs on the unoptimised reference BLAS).
# clang with libFuzzer and the sanitizer runtimes: the native fuzz harnesses, whose saved corpora a test replays.
# python3-onnx: ONNX's own checker validates the exported models in a test.
REFERENCE_PACKAGES=(python3-torch python3-torchvision python3-onnx libopenblas0-pthread clang libclang-rt-14-dev libfuzzer-14-dev)

log() { printf '[build] %s\n' "$*" >&2; }

missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s ' "$pkg"
    fi
  done
}

install_packages() {
  local missing
  missing="$(missing_packages "$@")"
  [ -z "$missing" ] && return 0
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "This script installs Debian packages; on this system install: $missing"
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    log "Missing packages: $missing"
    log "Install them as root, then run this script again:"
    log "  sudo apt-get update && sudo apt-get install -y $missing"
    exit 1
  fi
  log "Installing: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
}

check_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    log "The .NET SDK (10.0) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian"
    exit 1
  fi
}

build_native() {
  if [ ! -f "$NATIVE_BUILD/CMakeCache.txt" ]; then
    log "Configuring native libraries"
    cmake -S "$ROOT/src/Native" -B "$NATIVE_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$NATIVE_BUILD" -j "$(nproc)" 2>&1 | grep -vE '^(\[ *[0-9]+%\] (Built target|Building|Linking))|^Consolidate compiler' >&2 || true
  # A failed build leaves no up-to-date library: make that an error.
  cmake --build "$NATIVE_BUILD" >/dev/null
}

# The libFuzzer harnesses of the native C ABIs (test/Fuzz/Native), for NativeFuzzCorpusReplayTests.
build_native_fuzzers() {
  if ! command -v clang++ >/dev/null 2>&1; then
    log "clang is not installed: skipping the native fuzz harnesses (their replay test reports inconclusive)"
    return 0
  fi
  log "Building the native fuzz harnesses"
  "$ROOT/test/Fuzz/fuzz-native.sh" build
}

build_dotnet() {
  log "Building the .NET solution ($CONFIGURATION)"
  dotnet build "$ROOT/Microsoft.ML.MaskRcnn.sln" -c "$CONFIGURATION" -p:SkipNativeBuild=true -nologo -v quiet -clp:ErrorsOnly
}

run_tests() {
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results"
  mkdir -p "$results"
  local status=0
  dotnet test "$ROOT/Microsoft.ML.MaskRcnn.sln" -c "$CONFIGURATION" --no-build -nologo \
    --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=false || status=$?
  # Sum the counters of every TRX file: one line for CI.
  local passed=0 failed=0 f p q
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    p=$(grep -o '<Counters [^>]*' "$f" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    q=$(grep -o '<Counters [^>]*' "$f" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*' || echo 0)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${q:-0}))
  done
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

command="${1:-build}"
case "$command" in
  native)
    build_native
    ;;
  build | test | main | bench)
    install_packages "${BUILD_PACKAGES[@]}"
    if [ "$command" = test ] || [ "$command" = bench ]; then install_packages "${REFERENCE_PACKAGES[@]}"; fi
    check_dotnet
    build_native
    if [ "$command" = test ]; then build_native_fuzzers; fi
    build_dotnet
    case "$command" in
      test) run_tests ;;
      main) dotnet run -c "$CONFIGURATION" --no-build --project "$ROOT/samples/MaskRcnn.MainJob" -- "${@:2}" ;;
      bench) dotnet run -c Release --project "$ROOT/test/Microsoft.ML.MaskRcnn.Benchmarks" -p:SkipNativeBuild=true -- "${@:2}" ;;
    esac
    ;;
  fuzz)
    target="${2:-}"
    case "$target" in
      "")
        echo "usage: $0 fuzz TARGET MINUTES (native-<harness>: test/Fuzz/fuzz-native.sh; others: test/Fuzz/fuzz-managed.sh)" >&2
        exit 2
        ;;
      native-*)
        # make_seeds.py writes the PNG and JPEG seeds with Debian's Pillow.
        install_packages clang libclang-rt-14-dev libfuzzer-14-dev python3-pil
        exec "$ROOT/test/Fuzz/fuzz-native.sh" "${target#native-}" "${@:3}"
        ;;
      *)
        # AFL++ drives the managed harnesses; Debian's python3-torch writes the checkpoint target's seeds.
        install_packages afl++ "${REFERENCE_PACKAGES[@]}"
        check_dotnet
        build_native
        exec "$ROOT/test/Fuzz/fuzz-managed.sh" "${@:2}"
        ;;
    esac
    ;;
  *)
    echo "usage: $0 [build|test|main|bench SUITE|native|fuzz TARGET MINUTES]" >&2
    exit 2
    ;;
esac
