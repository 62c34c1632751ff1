#!/bin/sh
# Fig. 1 reproduction runs: 2 datasets x 4 methods x 10 seeds, one online pass
# of 8000 samples (batch size 1), held-out accuracy on 1000 samples every 250,
# alignment angles (200 held-out samples) every 500.  Sequential on purpose.
# Usage: examples/shervani-fig1/run.sh BUILD_DIR [SEEDS...]
set -eu
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR [SEEDS...]}" && pwd)
shift
SEEDS=${*:-"1 2 3 4 5 6 7 8 9 10"}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export METAPLAST_PLUGIN_PATH="$BUILD/plugins"
for ds in mnist fashion; do
  for m in bp fa dfa bio; do
    for s in $SEEDS; do
      out="$HERE/results/${ds}_${m}_seed${s}"
      tmp=$(mktemp -d)
      "$BUILD/metaplast" run "$ROOT/models/shervani_fig1_${ds}_${m}.json" \
        --out "$tmp" --seed "$s" --quiet \
        --set training.samples=8000 \
        --set 'recorders[0].every=250' --set 'recorders[0].test_samples=1000' \
        --set 'recorders[1].every=500' --set 'recorders[1].test_samples=200' \
        --set 'recorders[2].every=8000'
      mkdir -p "$out"
      cp "$tmp/accuracy.csv" "$tmp/alignment.csv" "$out/"
      rm -rf "$tmp"
      echo "$ds $m seed $s: $(tail -n 1 "$out/accuracy.csv")"
    done
  done
done
