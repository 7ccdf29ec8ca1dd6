// Packed, blocked SGEMM (Goto/BLIS five loops): jc over N in NC blocks, pc over K in KC, pack a
// KCxNC panel of B, ic over M in MC, pack MCxKC of A (alpha folded in), then MRxNR micro-kernel
// tiles. Transposes are absorbed by the packing, so all four op() combinations cost the same.
// Threaded by splitting C into column (or row) stripes, each a full single-threaded GEMM: no
// reduction across threads, so results do not depend on the thread count.
// Checked against ss_ref_sgemm (kernels/ref/gemm_ref.cc) by test/native/gemm.test.ts.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../../core/dispatch.h"
#include "../../core/threadpool.h"

namespace selfsup {
namespace {

constexpr int64_t KC = 256, MC = 128, NC = 3072;

struct Scratch {
  std::vector<float> a, b;
};
thread_local Scratch t_scratch;

// Ap: for each MR-row panel, kc x MR k-major, zero padded; alpha applied here.
void packA(float* Ap, const float* A, int64_t lda, bool transA, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
           int MR, float alpha) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    int mr = (int)std::min<int64_t>(MR, mc - ir);
    float* dst = Ap + ir * kc;
    if (!transA) {
      for (int i = 0; i < mr; i++) {
        const float* src = A + (i0 + ir + i) * lda + p0;
        for (int64_t k = 0; k < kc; k++) dst[k * MR + i] = alpha * src[k];
      }
    } else {
      for (int64_t k = 0; k < kc; k++) {
        const float* src = A + (p0 + k) * lda + i0 + ir;
        for (int i = 0; i < mr; i++) dst[k * MR + i] = alpha * src[i];
      }
    }
    if (mr < MR)
      for (int64_t k = 0; k < kc; k++)
        for (int i = mr; i < MR; i++) dst[k * MR + i] = 0.f;
  }
}

// Bp: for each NR-column panel, kc x NR k-major, zero padded.
void packB(float* Bp, const float* B, int64_t ldb, bool transB, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
           int NR) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    int nr = (int)std::min<int64_t>(NR, nc - jr);
    float* dst = Bp + jr * kc;
    if (!transB) {
      for (int64_t k = 0; k < kc; k++) {
        const float* src = B + (p0 + k) * ldb + j0 + jr;
        float* d = dst + k * NR;
        std::memcpy(d, src, sizeof(float) * nr);
        for (int j = nr; j < NR; j++) d[j] = 0.f;
      }
    } else {
      for (int j = 0; j < nr; j++) {
        const float* src = B + (j0 + jr + j) * ldb + p0;
        for (int64_t k = 0; k < kc; k++) dst[k * NR + j] = src[k];
      }
      if (nr < NR)
        for (int64_t k = 0; k < kc; k++)
          for (int j = nr; j < NR; j++) dst[k * NR + j] = 0.f;
    }
  }
}

void scaleC(float* C, int64_t ldc, int64_t M, int64_t N, float beta) {
  for (int64_t i = 0; i < M; i++) {
    float* c = C + i * ldc;
    if (beta == 0.f) std::memset(c, 0, sizeof(float) * N);
    else
      for (int64_t j = 0; j < N; j++) c[j] *= beta;
  }
}

// Padded size of one MC block of rows and of all M rows of one K block (packA pads to MR).
int64_t paddedRows(int64_t m, int MR) { return (m + MR - 1) / MR * MR; }
int64_t packedRowsTotal(int64_t M, int MR) {
  return (M / MC) * paddedRows(MC, MR) + paddedRows(M % MC, MR);
}

// Where block (pc, ic) of a whole packed A starts: K blocks of KC in order, each the M blocks of
// MC in order (rowsTotal = packedRowsTotal(M, MR)).
int64_t packedABlockOffset(int64_t pc, int64_t ic, int64_t kc, int64_t rowsTotal, int MR) {
  return pc * rowsTotal + (ic / MC) * paddedRows(MC, MR) * kc;
}

// Rows [ic, ic + mc) x columns [pc, pc + kc) of alpha op(A) into MR-row panels at dst.
void packABlock(float* dst, const GemmKernelInfo& uk, const float* A, int64_t lda, bool transA, int64_t ic,
                int64_t mc, int64_t pc, int64_t kc, float alpha) {
  if (!transA && uk.packANoTrans) uk.packANoTrans(dst, A + ic * lda + pc, lda, mc, kc, alpha);
  else packA(dst, A, lda, transA, ic, mc, pc, kc, uk.MR, alpha);
}

// The Goto loops. A is either packed here per block (pre == nullptr) or taken from pre, which
// holds the same blocks packed once (packedABlockOffset).
void blockedGemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                 const float* pre, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.f) {
    if (beta != 1.f) scaleC(C, ldc, M, N, beta);
    return;
  }
  GemmKernelInfo uk = gemmKernelActive();
  const int MR = uk.MR, NR = uk.NR;
  Scratch& s = t_scratch;
  // Packed panels are padded to whole MR/NR tiles: round up after the block cap, since MC need
  // not be a multiple of MR (AVX2's MR is 6).
  const int64_t ncMax = (std::min<int64_t>(NC, N) + NR - 1) / NR * NR;
  const int64_t mcMax = paddedRows(std::min<int64_t>(MC, M), MR);
  const int64_t kcMax = std::min<int64_t>(KC, K);
  if ((int64_t)s.b.size() < kcMax * ncMax) s.b.resize(kcMax * ncMax);
  if (!pre && (int64_t)s.a.size() < kcMax * mcMax) s.a.resize(kcMax * mcMax);
  const int64_t rowsTotal = packedRowsTotal(M, MR);
  const bool scaleFirst = beta != 0.f && beta != 1.f;
  if (scaleFirst) scaleC(C, ldc, M, N, beta);
  for (int64_t jc = 0; jc < N; jc += NC) {
    int64_t nc = std::min(NC, N - jc);
    for (int64_t pc = 0; pc < K; pc += KC) {
      int64_t kc = std::min(KC, K - pc);
      if (transB && uk.packBTrans) uk.packBTrans(s.b.data(), B + jc * ldb + pc, ldb, nc, kc);
      else if (!transB && uk.packBNoTrans) uk.packBNoTrans(s.b.data(), B + pc * ldb + jc, ldb, nc, kc);
      else packB(s.b.data(), B, ldb, transB, pc, kc, jc, nc, NR);
      // First K block overwrites C when beta == 0, so C needs no separate zeroing pass.
      int accumulate = (pc > 0 || beta != 0.f) ? 1 : 0;
      for (int64_t ic = 0; ic < M; ic += MC) {
        int64_t mc = std::min(MC, M - ic);
        const float* ap;
        if (pre) {
          ap = pre + packedABlockOffset(pc, ic, kc, rowsTotal, MR);
        } else {
          packABlock(s.a.data(), uk, A, lda, transA, ic, mc, pc, kc, alpha);
          ap = s.a.data();
        }
        for (int64_t jr = 0; jr < nc; jr += NR) {
          int nr = (int)std::min<int64_t>(NR, nc - jr);
          const float* bp = s.b.data() + jr * kc;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            int mr = (int)std::min<int64_t>(MR, mc - ir);
            uk.kernel(kc, ap + ir * kc, bp, C + (ic + ir) * ldc + jc + jr, ldc, mr, nr, accumulate);
          }
        }
      }
    }
  }
}

}  // namespace

void sgemmSingle(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                 int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  blockedGemm(transA, transB, M, N, K, alpha, A, lda, nullptr, B, ldb, beta, C, ldc);
}

void packGemmA(PackedGemmA& out, bool transA, int64_t M, int64_t K, float alpha, const float* A, int64_t lda) {
  GemmKernelInfo uk = gemmKernelActive();
  const int MR = uk.MR;
  const int64_t rowsTotal = packedRowsTotal(M, MR);
  out.M = M;
  out.K = K;
  out.alpha = alpha;
  out.panels.assign(std::max<int64_t>(rowsTotal * K, 1), 0.f);
  for (int64_t pc = 0; pc < K; pc += KC) {
    const int64_t kc = std::min(KC, K - pc);
    for (int64_t ic = 0; ic < M; ic += MC) {
      const int64_t mc = std::min(MC, M - ic);
      packABlock(out.panels.data() + packedABlockOffset(pc, ic, kc, rowsTotal, MR), uk, A, lda, transA, ic, mc, pc, kc,
                 alpha);
    }
  }
}

void sgemmPackedA(const PackedGemmA& A, bool transB, int64_t N, const float* B, int64_t ldb, float beta, float* C,
                  int64_t ldc) {
  blockedGemm(false, transB, A.M, N, A.K, A.alpha, nullptr, 0, A.panels.data(), B, ldb, beta, C, ldc);
}

}  // namespace selfsup

extern "C" ss_status ss_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                              int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  using namespace selfsup;
  if (M < 0 || N < 0 || K < 0) return SS_ERR_ARG;
  const double flops = 2.0 * M * N * K;
  int T = numThreads();
  if (T <= 1 || flops < 2e6) {
    sgemmSingle(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return SS_OK;
  }
  GemmKernelInfo uk = gemmKernelActive();
  // Split the larger of M/N into stripes aligned to the micro-tile.
  if (N >= M) {
    int64_t panels = (N + uk.NR - 1) / uk.NR;
    int64_t chunks = std::min<int64_t>(T, panels);
    parallelFor(panels, [&](int64_t b, int64_t e) {
      int64_t j0 = b * uk.NR, j1 = std::min<int64_t>(N, e * uk.NR);
      const float* Bs = transB ? B + j0 * ldb : B + j0;
      sgemmSingle(transA, transB, M, j1 - j0, K, alpha, A, lda, Bs, ldb, beta, C + j0, ldc);
    }, chunks);
  } else {
    int64_t panels = (M + uk.MR - 1) / uk.MR;
    int64_t chunks = std::min<int64_t>(T, panels);
    parallelFor(panels, [&](int64_t b, int64_t e) {
      int64_t i0 = b * uk.MR, i1 = std::min<int64_t>(M, e * uk.MR);
      const float* As = transA ? A + i0 : A + i0 * lda;
      sgemmSingle(transA, transB, i1 - i0, N, K, alpha, As, lda, B, ldb, beta, C + i0 * ldc, ldc);
    }, chunks);
  }
  return SS_OK;
}
