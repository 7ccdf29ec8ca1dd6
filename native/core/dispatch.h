// Internal dispatch: the micro-kernel table per ISA (filled from per-ISA translation units, the
// only files compiled with -mavx2/-mavx512f), plus small helpers shared by the CPU drivers.
#pragma once
#include <cstdint>
#include <vector>

#include "selfsup/kernels.h"

namespace selfsup {

ss_isa activeIsa();

// GEMM micro-kernel: C[mr x nr] (+)= Ap[kc x MR] * Bp[kc x NR] where Ap/Bp are packed panels
// (k-major, zero-padded to MR/NR). accumulate=0 overwrites C, 1 adds to it.
using GemmMicroKernel = void (*)(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc, int mr,
                                 int nr, int accumulate);

// Optional packers for the two strided cases (transposes), where SIMD pays; null = generic.
// packANoTrans: A points at (i0, p0) of a row-major M x K matrix; writes mc rows as MR panels.
// packBTrans: B points at (j0, p0) of a row-major N x K matrix (op(B) = Bᵀ); writes nc columns.
using PackANoTrans = void (*)(float* Ap, const float* A, int64_t lda, int64_t mc, int64_t kc, float alpha);
using PackBTrans = void (*)(float* Bp, const float* B, int64_t ldb, int64_t nc, int64_t kc);
// packBNoTrans: B points at (p0, j0) of a row-major K x N matrix; writes nc columns as NR panels.
using PackBNoTrans = void (*)(float* Bp, const float* B, int64_t ldb, int64_t nc, int64_t kc);

// Skinny C (M x N) = A (M x K) · Bᵀ (B is N x K), both row-major with unit stride along K, for
// small M: no packing, each row pair is a dot product kept in registers. accumulate=0 overwrites C.
using GemmSkinnyNT = void (*)(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                              int64_t ldb, float* C, int64_t ldc, int accumulate);

struct GemmKernelInfo {
  GemmMicroKernel kernel;
  int MR, NR;
  PackANoTrans packANoTrans = nullptr;
  PackBTrans packBTrans = nullptr;
  GemmSkinnyNT skinnyNT = nullptr;
  PackBNoTrans packBNoTrans = nullptr;
};

GemmKernelInfo gemmKernelScalar();
GemmKernelInfo gemmKernelAvx2();
GemmKernelInfo gemmKernelAvx512();

// static: an inline function would be emitted by every translation unit that calls it, ISA files
// included, and the linker could keep an AVX-512-compiled copy for the baseline callers.
static inline GemmKernelInfo gemmKernelActive() {
  switch (activeIsa()) {
    case SS_ISA_AVX512: return gemmKernelAvx512();
    case SS_ISA_AVX2: return gemmKernelAvx2();
    default: return gemmKernelScalar();
  }
}

// Single-threaded packed GEMM (used inside per-image conv work, which is already parallel).
void sgemmSingle(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                 int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// alpha op(A) packed once for several GEMMs that share it (a conv's filter across image batches):
// the blocks sgemmSingle would pack on every call. Packed for the ISA active when packed.
struct PackedGemmA {
  std::vector<float> panels;
  int64_t M = 0, K = 0;
  float alpha = 1.f;
};
void packGemmA(PackedGemmA& out, bool transA, int64_t M, int64_t K, float alpha, const float* A, int64_t lda);
// C = alpha op(A) op(B) + beta C, op(A) from packGemmA; single-threaded like sgemmSingle.
void sgemmPackedA(const PackedGemmA& A, bool transB, int64_t N, const float* B, int64_t ldb, float beta, float* C,
                  int64_t ldc);

}  // namespace selfsup
