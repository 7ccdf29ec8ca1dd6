// InfoNCE / NT-Xent and BYOL's regression loss on the GPU, forward and backward fused: the CUDA
// twins of native/kernels/cpu/contrastive.cc (same definitions: rows L2-normalized, diagonal
// excluded, pos[i] = row i's positive; BYOL mean(2 - 2 cos), gradient to p only). The R x R
// similarity matrix lives in device scratch for the call; the row softmax and the loss are in
// double-free float with a row max, as the CPU. *loss is a device scalar. A pos[] entry out of
// range (or pointing at its own row) makes the call return SS_ERR_ARG.
// Checked against the CPU kernels by native/cuda-check.
#include "cuda_common.h"

using namespace selfsup::cuda;

namespace {

constexpr int kBlock = 256;

// u = z / max(|z|, 1e-12) per row (one block per row).
__global__ void normalizeKernel(float* u, float* norms, const float* z, int64_t D) {
  __shared__ double s[kBlock];
  const int64_t r = blockIdx.x;
  double sq = 0;
  for (int64_t k = threadIdx.x; k < D; k += blockDim.x) sq += (double)z[r * D + k] * z[r * D + k];
  sq = blockSum(sq, s);
  const float n = fmaxf((float)sqrt(sq), 1e-12f);
  if (threadIdx.x == 0) norms[r] = n;
  for (int64_t k = threadIdx.x; k < D; k += blockDim.x) u[r * D + k] = z[r * D + k] / n;
}

__global__ void checkPosKernel(int* bad, const int32_t* pos, int64_t R) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < R; i += (int64_t)gridDim.x * blockDim.x)
    if (pos[i] < 0 || pos[i] >= R || pos[i] == i) *bad = 1;
}

// Row i of S (similarities / T) -> G_i = (softmax over j != i - onehot(pos_i)) / (R T); the row's
// loss -s_pos + log sum_{j != i} exp(s_ij) into rowLoss[i]. One block per row.
__global__ void softmaxRowKernel(float* S, double* rowLoss, const int32_t* pos, int64_t R, float g) {
  __shared__ float fs[kBlock];
  __shared__ double ds[kBlock];
  const int64_t i = blockIdx.x;
  float* s = S + i * R;
  const int32_t p = pos[i];
  const float sPos = s[p];
  float mx = -INFINITY;
  for (int64_t j = threadIdx.x; j < R; j += blockDim.x)
    if (j != i) mx = fmaxf(mx, s[j]);
  mx = blockMax(mx, fs);
  double se = 0;
  for (int64_t j = threadIdx.x; j < R; j += blockDim.x)
    if (j != i) se += exp((double)(s[j] - mx));
  se = blockSum(se, ds);
  if (threadIdx.x == 0) rowLoss[i] = -(double)sPos + mx + log(se);
  const float k = (float)(1.0 / se) * g;
  for (int64_t j = threadIdx.x; j < R; j += blockDim.x) {
    float v = j == i ? 0.f : expf(s[j] - mx) * k;
    if (j == p) v -= g;
    s[j] = v;
  }
}

// H = G + G^T (out of place: in place would race).
__global__ void symmetrizeKernel(float* H, const float* G, int64_t R) {
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < R * R; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = e / R, j = e % R;
    H[e] = G[i * R + j] + G[j * R + i];
  }
}

// dz = (du - u (u . du)) / |z| per row (one block per row).
__global__ void normalizeBackwardKernel(float* dz, const float* du, const float* u, const float* norms, int64_t D) {
  __shared__ double s[kBlock];
  const int64_t r = blockIdx.x;
  double dot = 0;
  for (int64_t k = threadIdx.x; k < D; k += blockDim.x) dot += (double)u[r * D + k] * du[r * D + k];
  dot = blockSum(dot, s);
  for (int64_t k = threadIdx.x; k < D; k += blockDim.x) dz[r * D + k] = (du[r * D + k] - u[r * D + k] * (float)dot) / norms[r];
}

__global__ void meanKernel(float* out, const double* v, int64_t n) {
  __shared__ double s[kBlock];
  double t = 0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) t += v[i];
  t = blockSum(t, s);
  if (threadIdx.x == 0) *out = (float)(t / n);
}

// BYOL: one block per row.
__global__ void byolRowKernel(double* rowLoss, float* dp, const float* p, const float* t, int64_t N, int64_t D) {
  __shared__ double s[kBlock];
  const int64_t r = blockIdx.x;
  const float* pr = p + r * D;
  const float* tr = t + r * D;
  double pp = 0, tt = 0, pt = 0;
  for (int64_t k = threadIdx.x; k < D; k += blockDim.x) {
    pp += (double)pr[k] * pr[k];
    tt += (double)tr[k] * tr[k];
    pt += (double)pr[k] * tr[k];
  }
  pp = blockSum(pp, s);
  tt = blockSum(tt, s);
  pt = blockSum(pt, s);
  const double np = fmax(sqrt(pp), 1e-12), nt = fmax(sqrt(tt), 1e-12), c = pt / (np * nt);
  if (threadIdx.x == 0) rowLoss[r] = 2.0 - 2.0 * c;
  if (!dp) return;
  const double a = -2.0 / (np * nt) / N, b = 2.0 * c / (np * np) / N;
  for (int64_t k = threadIdx.x; k < D; k += blockDim.x) dp[r * D + k] = (float)(a * tr[k] + b * pr[k]);
}

}  // namespace

extern "C" ss_status ss_cuda_info_nce(float* loss, float* dz, const float* z, const int32_t* pos, int64_t R, int64_t D,
                                      float temperature) {
  if (R < 2 || D < 1 || !(temperature > 0.f) || R > 0x7fffffff || !loss) return SS_ERR_ARG;
  // Scratch: u (R D), norms (R), S (R R), H (R R), du (R D) floats; rowLoss (R) doubles; flag.
  const size_t floats = (size_t)(2 * R * D + R + 2 * R * R);
  DeviceScratch scratch(floats * sizeof(float) + (size_t)R * sizeof(double) + 16);
  if (scratch.status != SS_OK) return scratch.status;
  double* rowLoss = scratch.as<double>();
  int* bad = reinterpret_cast<int*>(rowLoss + R);
  float* u = reinterpret_cast<float*>(bad + 4);
  float* norms = u + R * D;
  float* S = norms + R;
  float* H = S + R * R;
  float* du = H + R * R;
  if (failed(cudaMemset(bad, 0, sizeof(int)))) return SS_ERR_ARG;
  checkPosKernel<<<blocksFor(R), kThreads>>>(bad, pos, R);
  int hostBad = 0;
  if (failed(cudaMemcpy(&hostBad, bad, sizeof(int), cudaMemcpyDeviceToHost))) return SS_ERR_ARG;
  if (hostBad) return SS_ERR_ARG;
  normalizeKernel<<<(unsigned)R, kBlock>>>(u, norms, z, D);
  ss_status st = ss_cuda_sgemm(0, 1, R, R, D, 1.f / temperature, u, D, u, D, 0.f, S, R);
  if (st != SS_OK) return st;
  softmaxRowKernel<<<(unsigned)R, kBlock>>>(S, rowLoss, pos, R, 1.f / ((float)R * temperature));
  meanKernel<<<1, kBlock>>>(loss, rowLoss, R);
  if (dz) {
    symmetrizeKernel<<<blocksFor(R * R), kThreads>>>(H, S, R);
    st = ss_cuda_sgemm(0, 0, R, D, R, 1.f, H, R, u, D, 0.f, du, D);
    if (st != SS_OK) return st;
    normalizeBackwardKernel<<<(unsigned)R, kBlock>>>(dz, du, u, norms, D);
  }
  // Waits, so a failed kernel is reported by this call rather than by a later one.
  return failed(cudaDeviceSynchronize()) ? SS_ERR_ARG : launched();
}

extern "C" ss_status ss_cuda_byol_loss(float* loss, float* dp, const float* p, const float* t, int64_t N, int64_t D) {
  if (N < 1 || D < 1 || N > 0x7fffffff || !loss) return SS_ERR_ARG;
  DeviceScratch rows((size_t)N * sizeof(double));
  if (rows.status != SS_OK) return rows.status;
  double* rowLoss = rows.as<double>();
  byolRowKernel<<<(unsigned)N, kBlock>>>(rowLoss, dp, p, t, N, D);
  meanKernel<<<1, kBlock>>>(loss, rowLoss, N);
  return failed(cudaDeviceSynchronize()) ? SS_ERR_ARG : launched();
}
