#!/usr/bin/env bash
# Runs every fuzz target of a -DMP_FUZZ=ON build (docs/fuzzing.md):
#   tests/fuzz/run.sh BUILD_DIR [libFuzzer option...]
# e.g. `tests/fuzz/run.sh build-fuzz -max_total_time=20` (the default: what
# .ci/test runs) or `-runs=1000000` for a long run. FUZZ_TARGETS="model idx"
# picks targets. Each target starts from the seeds of its format (the
# shipped files, BUILD_DIR/fuzz/corpus/<target>, and the hand seeds and
# regression inputs of tests/fuzz/seeds/<target>), keeps what it finds in
# BUILD_DIR/fuzz/grown/<target> and writes a crashing, leaking or hanging
# input to BUILD_DIR/fuzz/findings/. Exits non-zero on the first finding.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR [libFuzzer option...]}" && pwd)"
shift
opts=("$@")
[ ${#opts[@]} -eq 0 ] && opts=(-max_total_time=20)
targets=${FUZZ_TARGETS:-"model experiment set checkpoint idx spikes npy"}
declare -A max_len=([idx]=4096 [npy]=4096)
declare -A dict=([set]=model [experiment]=experiment)
mkdir -p "$build/fuzz/findings"
n=0
for t in $targets; do
  bin="$build/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "run.sh: no $bin (configure with -DMP_FUZZ=ON)" >&2; exit 2; }
  grown="$build/fuzz/grown/$t"
  mkdir -p "$grown"
  seeds=("$build/fuzz/corpus/$t")
  [ -d "$here/seeds/$t" ] && seeds+=("$here/seeds/$t")
  echo "== fuzz_$t ${opts[*]}"
  # Leaks are findings; a slow input (10 s) or 2 GB of memory too.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" -max_len="${max_len[$t]:-16384}" -timeout=10 -rss_limit_mb=2048 \
      -dict="$here/${dict[$t]:-$t}.dict" -print_final_stats=1 \
      -artifact_prefix="$build/fuzz/findings/$t-" "${opts[@]}" "$grown" "${seeds[@]}"
  n=$((n + 1))
done
# the closing line CI logs are read for (set -e ended the script at a finding)
echo "fuzz: $n passed, 0 failed"
