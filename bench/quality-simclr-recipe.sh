#!/usr/bin/env bash
# BENCHMARKS.md "2026-12-03: the reference optimizer": SimCLR on the 60,000 Fashion-MNIST training
# images at 2 threads, the deep encoder for 8 epochs with LARS (the old default) and with SGD +
# weight decay 5e-4 (the new default), and the small encoder for 25 epochs with SGD (about 20
# minutes each on the 2026-12-03 host); then linear probe and kNN on the test images, next to
# random init and raw pixels.
# Usage: bench/quality-simclr-recipe.sh [FASHION_MNIST_DIR] [OUT_DIR]
set -euo pipefail
FM=${1:-../shared/data/fashion-mnist}
OUT=${2:-runs/quality-simclr-recipe}
[ -d "$FM" ] || { echo "quality-simclr-recipe: $FM not found (skipped)"; exit 0; }
QUALITY=quality-simclr-recipe
source "$(dirname "$0")/quality-common.sh"
pretrain deep-lars --task simclr --encoder deep --optimizer lars --data "$FM" --epochs 8 --batch-size 256
pretrain deep-sgd --task simclr --encoder deep --data "$FM" --epochs 8 --batch-size 256
pretrain small-sgd --task simclr --data "$FM" --epochs 25 --batch-size 256
for run in deep-lars deep-sgd small-sgd; do
  $CLI eval "$OUT/$run" --data "$FM" --protocol linear,knn --labels 100% > "$OUT/$run-eval.txt" 2> "$OUT/$run-eval.log"
done
cat "$OUT/times.txt" "$OUT"/*-eval.txt
