#!/usr/bin/env bash
# The SimCLR / BYOL quality table (BENCHMARKS.md, issue "SimCLR and BYOL end to end"): each method
# pretrains the default small encoder for about 20 minutes at 2 threads on the 60,000 Fashion-MNIST
# training images (epochs chosen from measured epoch times), then one `selfsup eval` table: linear
# probe and kNN on all labels, fine-tuning (last layer, end to end) on 1% and 10%, next to random
# init (= training from scratch for end-to-end fine-tuning) and raw pixels, on the 10,000 test images.
# Usage: bench/quality-ssl.sh [FASHION_MNIST_DIR] [OUT_DIR]
set -euo pipefail
FM=${1:-../shared/data/fashion-mnist}
OUT=${2:-runs/quality-ssl}
[ -d "$FM" ] || { echo "quality-ssl: $FM not found (skipped)"; exit 0; }
QUALITY=quality-ssl
source "$(dirname "$0")/quality-common.sh"
# The 2026-11-28 table trained SimCLR with LARS, the default then (pass --optimizer lars to redo it).
pretrain simclr --task simclr --data "$FM" --epochs 12 --batch-size 256
pretrain byol --task byol --data "$FM" --epochs 10 --batch-size 256
$CLI eval "$OUT"/{simclr,byol} --data "$FM" --protocol linear,knn --labels 100% > "$OUT/eval-linear.txt" 2> "$OUT/eval-linear.log"
$CLI eval "$OUT"/{simclr,byol} --data "$FM" --protocol finetune --labels 1%,10% > "$OUT/eval-finetune.txt" 2> "$OUT/eval-finetune.log"
cat "$OUT/times.txt" "$OUT/eval-linear.txt" "$OUT/eval-finetune.txt"
