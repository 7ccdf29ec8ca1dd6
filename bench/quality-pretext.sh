#!/usr/bin/env bash
# The pretext-task quality table (BENCHMARKS.md, issue "image pretext tasks"): each task pretrains
# for about the same wall time (~6 minutes at 2 threads; epochs chosen from measured epoch times),
# the classification tasks and SimCLR on the 60,000 Fashion-MNIST training images, colorization on
# colour photographs; then one `selfsup eval` table: linear probe on all labels, fine-tuning on 1%
# and 10%, next to random init (per architecture) and raw pixels, tested on the 10,000 test images.
# Usage: bench/quality-pretext.sh [FASHION_MNIST_DIR] [PHOTO_DIR] [OUT_DIR]
set -euo pipefail
FM=${1:-../shared/data/fashion-mnist}
PHOTOS=${2:-../shared/data/photos}
OUT=${3:-runs/quality-pretext}
for d in "$FM" "$PHOTOS"; do [ -d "$d" ] || { echo "quality-pretext: $d not found (skipped)"; exit 0; }; done
QUALITY=quality-pretext
source "$(dirname "$0")/quality-common.sh"
pretrain relative-position --task relative-position --data "$FM" --epochs 50 --batch-size 128
pretrain jigsaw --task jigsaw --data "$FM" --epochs 11 --batch-size 128
pretrain rotation --task rotation --data "$FM" --epochs 2 --batch-size 128
pretrain simclr --task simclr --data "$FM" --epochs 5 --batch-size 256
pretrain colorization --task colorization --data "$PHOTOS" --holdout 3 --crop 64 --crops-per-epoch 2048 --epochs 18 --batch-size 32
$CLI eval "$OUT"/{simclr,rotation,relative-position,jigsaw,colorization} --data "$FM" --protocol linear --labels 100% > "$OUT/eval-linear.txt" 2> "$OUT/eval-linear.log"
$CLI eval "$OUT"/{simclr,rotation,relative-position,jigsaw,colorization} --data "$FM" --protocol finetune --labels 1%,10% > "$OUT/eval-finetune.txt" 2> "$OUT/eval-finetune.log"
cat "$OUT/times.txt" "$OUT/eval-linear.txt" "$OUT/eval-finetune.txt"
