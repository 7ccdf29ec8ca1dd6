#!/usr/bin/env bash
# BENCHMARKS.md "2026-12-04: 256 features" and "2026-12-05: BYOL with SGD": SimCLR on the 60,000 Fashion-MNIST training
# images at 2 threads with the wide encoder (the deep one with 256 channels in its last conv),
# batch 128, T = 0.5, SGD (lr 0.1, momentum 0.9, weight decay 5e-4), 10 epochs (under 20 minutes
# on the 2026-12-04 host); BYOL on the same encoder with the CLI's defaults (SGD on SimCLR's views
# since 2026-12-05), 8 epochs (20 minutes); then linear probe and
# kNN on all labels and fine-tuning (last layer, end to end) on 1% and 10%, next to random init
# (= training from scratch for end-to-end fine-tuning) and raw pixels, on the 10,000 test images.
# Usage: bench/quality-simclr-wide.sh [FASHION_MNIST_DIR] [OUT_DIR]
set -euo pipefail
FM=${1:-../shared/data/fashion-mnist}
OUT=${2:-runs/quality-simclr-wide}
[ -d "$FM" ] || { echo "quality-simclr-wide: $FM not found (skipped)"; exit 0; }
QUALITY=quality-simclr-wide
source "$(dirname "$0")/quality-common.sh"
pretrain simclr-wide --task simclr --encoder wide --data "$FM" --batch-size 128 --temperature 0.5 --lr 0.1 --epochs 10
pretrain byol-wide --task byol --encoder wide --data "$FM" --batch-size 128 --epochs 8
$CLI eval "$OUT"/{simclr-wide,byol-wide} --data "$FM" --protocol linear,knn --labels 100% > "$OUT/eval-linear.txt" 2> "$OUT/eval-linear.log"
$CLI eval "$OUT"/{simclr-wide,byol-wide} --data "$FM" --protocol finetune --labels 1%,10% > "$OUT/eval-finetune.txt" 2> "$OUT/eval-finetune.log"
cat "$OUT/times.txt" "$OUT/eval-linear.txt" "$OUT/eval-finetune.txt"
