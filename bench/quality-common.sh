# Sourced by the bench/quality-*.sh scripts: the CLI at 2 threads, and pretrain NAME ARGS... that
# trains one run into $OUT/NAME (logs beside it, wall time appended to $OUT/times.txt), skips a
# finished run and resumes an interrupted one. Needs OUT and QUALITY (the script's name) set.
CLI="node dist/cli/main.js"
export SELFSUP_NUM_THREADS=2
mkdir -p "$OUT"
pretrain() { # name, args...
  local name=$1; shift
  if [ -f "$OUT/$name/encoder.safetensors" ]; then echo "$QUALITY: $name done already"; return; fi
  local t0=$(date +%s) resume=()
  # An interrupted run continues from its checkpoint (the time column then covers the last part only).
  [ -f "$OUT/$name/checkpoint.safetensors" ] && resume=(--resume)
  $CLI pretrain --out "$OUT/$name" --no-eval "${resume[@]}" "$@" >> "$OUT/$name.out" 2>> "$OUT/$name.log"
  echo "$name $(( $(date +%s) - t0 )) s" | tee -a "$OUT/times.txt"
}
