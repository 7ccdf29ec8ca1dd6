#!/usr/bin/env bash
# BENCHMARKS.md "2026-12-04: more epochs in 20 minutes": SimCLR on the 60,000 Fashion-MNIST
# training images at 2 threads with the deep encoder, batch 128, T = 0.5 and SGD (momentum 0.9,
# weight decay 5e-4): 8 epochs at lr 0.05 (the default 0.1 x B/256), 11 epochs at 0.05, 10 and 11
# at 0.1 (17-21 minutes each on the 2026-12-04 host); then linear probe and kNN on the test images,
# next to random init and raw pixels.
# Usage: bench/quality-simclr-deep.sh [FASHION_MNIST_DIR] [OUT_DIR]
set -euo pipefail
FM=${1:-../shared/data/fashion-mnist}
OUT=${2:-runs/quality-simclr-deep}
[ -d "$FM" ] || { echo "quality-simclr-deep: $FM not found (skipped)"; exit 0; }
QUALITY=quality-simclr-deep
source "$(dirname "$0")/quality-common.sh"
recipe=(--task simclr --encoder deep --data "$FM" --batch-size 128 --temperature 0.5)
pretrain deep-8ep "${recipe[@]}" --epochs 8
pretrain deep-11ep "${recipe[@]}" --epochs 11
pretrain deep-10ep-lr01 "${recipe[@]}" --epochs 10 --lr 0.1
pretrain deep-11ep-lr01 "${recipe[@]}" --epochs 11 --lr 0.1
for run in deep-8ep deep-11ep deep-10ep-lr01 deep-11ep-lr01; do
  $CLI eval "$OUT/$run" --data "$FM" --protocol linear,knn --labels 100% > "$OUT/$run-eval.txt" 2> "$OUT/$run-eval.log"
done
cat "$OUT/times.txt" "$OUT"/*-eval.txt
