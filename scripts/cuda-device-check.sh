#!/usr/bin/env bash
# On a GPU machine without Node.js (nvcc + CMake only): builds build-cuda-check/selfsup_cuda_check
# with plain CMake (the Node addon target is not built) and runs it: every CUDA kernel against its
# CPU twin, one line per case. Usage: scripts/cuda-device-check.sh [extra cmake -D flags]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-cuda-check -DSELFSUP_CUDA=ON -DCMAKE_BUILD_TYPE=Release "$@" > build-cuda-check.log
cmake --build build-cuda-check --target selfsup_cuda_check -j "$(nproc)" >> build-cuda-check.log
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
./build-cuda-check/selfsup_cuda_check
