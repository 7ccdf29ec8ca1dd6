// Contrastive losses, forward and backward fused in one call.
// InfoNCE / NT-Xent over R rows of D-dim embeddings z: rows are L2-normalized (u = z/|z|),
// s_ij = u_i·u_j / T, the diagonal is excluded, pos[i] names row i's positive, and
//   loss = mean_i ( -s_i,pos(i) + log sum_{j != i} exp(s_ij) ).
// SimCLR's NT-Xent is pos[i] = (i + R/2) mod R over the two views stacked. The R x R similarity
// matrix lives only inside the call (GEMM U·Uᵀ, softmax rows in place, then G = (P - Y)/(R T),
// dU = G·U + Gᵀ·U, and the normalization's backward). Row max subtraction keeps T = 0.05 stable.
// BYOL's regression loss: mean_i (2 - 2 cos(p_i, t_i)), gradient to p only (t is the target).
// Checked against kernels/ref/contrastive_ref.cc (double precision), PyTorch fixtures and finite
// differences.
#include <cmath>
#include <vector>

#include "../../core/dispatch.h"
#include "../../core/fast_math.h"
#include "../../core/reduce.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {
// u = z / max(|z|, eps) per row; returns the norms used.
void normalizeRows(float* u, float* norms, const float* z, int64_t R, int64_t D) {
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* zr = z + r * D;
      float sq[16] = {};
      int64_t i = 0;
      for (; i + 16 <= D; i += 16)
        for (int j = 0; j < 16; j++) sq[j] += zr[i + j] * zr[i + j];
      float s = laneSum(sq);
      for (; i < D; i++) s += zr[i] * zr[i];
      const float n = std::sqrt(s) > 1e-12f ? std::sqrt(s) : 1e-12f;
      norms[r] = n;
      for (int64_t k = 0; k < D; k++) u[r * D + k] = zr[k] / n;
    }
  });
}

// dz = (du - u (u·du)) / |z| : the backward of row normalization.
void normalizeRowsBackward(float* dz, const float* du, const float* u, const float* norms, int64_t R, int64_t D) {
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* ur = u + r * D;
      const float* gr = du + r * D;
      float dot = 0;
      for (int64_t k = 0; k < D; k++) dot += ur[k] * gr[k];
      for (int64_t k = 0; k < D; k++) dz[r * D + k] = (gr[k] - ur[k] * dot) / norms[r];
    }
  });
}
}  // namespace

extern "C" ss_status ss_info_nce(float* loss, float* dz, const float* z, const int32_t* pos, int64_t R, int64_t D,
                                 float temperature) {
  if (R < 2 || D < 1 || !(temperature > 0.f)) return SS_ERR_ARG;
  for (int64_t i = 0; i < R; i++)
    if (pos[i] < 0 || pos[i] >= R || pos[i] == i) return SS_ERR_ARG;
  std::vector<float> u(R * D), norms(R), S(R * R);
  normalizeRows(u.data(), norms.data(), z, R, D);
  const float invT = 1.f / temperature;
  ss_sgemm(0, 1, R, R, D, invT, u.data(), D, u.data(), D, 0.f, S.data(), R);
  std::vector<double> rowLoss(R);
  // Rows of S become G = (softmax over j != i  -  onehot(pos)) / (R T), in place.
  const float g = 1.f / ((float)R * temperature);
  parallelFor(R, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; i++) {
      float* s = S.data() + i * R;
      const float sPos = s[pos[i]];
      s[i] = -INFINITY;  // the diagonal: exp(-inf) = 0 keeps it out of the softmax
      const float mx = max16(s, R);
      // Branch-free so it vectorizes; the diagonal (clamped to e^-87 by expApprox) is zeroed after.
      for (int64_t j = 0; j < R; j++) s[j] = expApprox(s[j] - mx);
      s[i] = 0.f;
      const double se = sum16(s, R);
      rowLoss[i] = -(double)sPos + mx + std::log(se);
      const float k = (float)(1.0 / se) * g;
      for (int64_t j = 0; j < R; j++) s[j] *= k;
      s[pos[i]] -= g;
    }
  });
  double total = 0;
  for (int64_t i = 0; i < R; i++) total += rowLoss[i];
  *loss = (float)(total / R);
  if (!dz) return SS_OK;
  // dU = (G + Gᵀ)·U (the loss depends on s_ij through rows i and j) as two GEMMs: the transpose
  // is absorbed by the packing, where symmetrizing G in place walked its columns serially (it
  // was 40% of the call at R = 512).
  std::vector<float> du(R * D);
  ss_sgemm(0, 0, R, D, R, 1.f, S.data(), R, u.data(), D, 0.f, du.data(), D);
  ss_sgemm(1, 0, R, D, R, 1.f, S.data(), R, u.data(), D, 1.f, du.data(), D);
  normalizeRowsBackward(dz, du.data(), u.data(), norms.data(), R, D);
  return SS_OK;
}

extern "C" ss_status ss_byol_loss(float* loss, float* dp, const float* p, const float* t, int64_t N, int64_t D) {
  if (N < 1 || D < 1) return SS_ERR_ARG;
  std::vector<double> rowLoss(N);
  parallelFor(N, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* pr = p + r * D;
      const float* tr = t + r * D;
      double pp = 0, tt = 0, pt = 0;
      for (int64_t k = 0; k < D; k++) { pp += (double)pr[k] * pr[k]; tt += (double)tr[k] * tr[k]; pt += (double)pr[k] * tr[k]; }
      const double np = std::fmax(std::sqrt(pp), 1e-12), nt = std::fmax(std::sqrt(tt), 1e-12);
      const double c = pt / (np * nt);
      rowLoss[r] = 2.0 - 2.0 * c;
      if (dp) {
        // d(-2c)/dp = -2 (t/(|p||t|) - c p/|p|^2), averaged over N rows.
        const double a = -2.0 / (np * nt) / N, b = 2.0 * c / (np * np) / N;
        for (int64_t k = 0; k < D; k++) dp[r * D + k] = (float)(a * tr[k] + b * pr[k]);
      }
    }
  });
  double total = 0;
  for (int64_t r = 0; r < N; r++) total += rowLoss[r];
  *loss = (float)(total / N);
  return SS_OK;
}
