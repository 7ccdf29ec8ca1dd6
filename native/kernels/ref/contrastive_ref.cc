// Reference InfoNCE: the definition in double precision with explicit softmax and a dense
// gradient through the normalization, computed independently of the fused kernel's algebra
// (gradient via dL/du_i = sum_j (dL/ds_ij + dL/ds_ji) u_j / T, then the normalization Jacobian).
#include <cmath>
#include <vector>

#include "selfsup/kernels.h"

extern "C" ss_status ss_ref_info_nce(float* loss, float* dz, const float* z, const int32_t* pos, int64_t R, int64_t D,
                                     float temperature) {
  if (R < 2 || D < 1 || !(temperature > 0.f)) return SS_ERR_ARG;
  std::vector<double> u(R * D), nrm(R), s(R * R), dS(R * R, 0.0);
  for (int64_t i = 0; i < R; i++) {
    double q = 0;
    for (int64_t k = 0; k < D; k++) q += (double)z[i * D + k] * z[i * D + k];
    nrm[i] = std::fmax(std::sqrt(q), 1e-12);
    for (int64_t k = 0; k < D; k++) u[i * D + k] = z[i * D + k] / nrm[i];
  }
  for (int64_t i = 0; i < R; i++)
    for (int64_t j = 0; j < R; j++) {
      double d = 0;
      for (int64_t k = 0; k < D; k++) d += u[i * D + k] * u[j * D + k];
      s[i * R + j] = d / temperature;
    }
  double total = 0;
  for (int64_t i = 0; i < R; i++) {
    double mx = -INFINITY, se = 0;
    for (int64_t j = 0; j < R; j++) if (j != i) mx = std::fmax(mx, s[i * R + j]);
    for (int64_t j = 0; j < R; j++) if (j != i) se += std::exp(s[i * R + j] - mx);
    total += -s[i * R + pos[i]] + mx + std::log(se);
    for (int64_t j = 0; j < R; j++)
      if (j != i) dS[i * R + j] = (std::exp(s[i * R + j] - mx) / se - (j == pos[i] ? 1.0 : 0.0)) / R;
  }
  *loss = (float)(total / R);
  if (!dz) return SS_OK;
  for (int64_t i = 0; i < R; i++) {
    std::vector<double> du(D, 0.0);
    for (int64_t j = 0; j < R; j++)
      for (int64_t k = 0; k < D; k++) du[k] += (dS[i * R + j] + dS[j * R + i]) * u[j * D + k] / temperature;
    // Jacobian of u = z/|z|: (I - u uᵀ)/|z|
    for (int64_t k = 0; k < D; k++) {
      double acc = 0;
      for (int64_t m = 0; m < D; m++) acc += ((k == m ? 1.0 : 0.0) - u[i * D + k] * u[i * D + m]) * du[m];
      dz[i * D + k] = (float)(acc / nrm[i]);
    }
  }
  return SS_OK;
}
