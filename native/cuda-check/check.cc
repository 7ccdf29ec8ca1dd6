// selfsup_cuda_check: runs every CUDA kernel (kernels_cuda.h) against its CPU twin (kernels.h) on
// seeded random inputs of awkward and aligned shapes, and prints one line per case with the
// largest absolute and relative error against the op's tolerance. Exit status: 0 when every case
// passes or when there is no GPU to run on (the reason is printed: "skipped: ..."), 1 on a
// mismatch or a CUDA error. Needs no Node.js, so it runs on GPU machines that lack it.
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "selfsup/kernels.h"
#include "selfsup/kernels_cuda.h"

namespace {

int failures = 0;

struct Dev {  // a device copy of a host vector, freed at scope end
  void* p = nullptr;
  size_t bytes = 0;
  template <class T>
  explicit Dev(const std::vector<T>& h) : bytes(h.size() * sizeof(T)) {
    if (ss_cuda_malloc(&p, bytes ? bytes : 1) != SS_OK) { std::printf("FAIL cudaMalloc: %s\n", ss_cuda_last_error()); std::exit(1); }
    if (bytes) ss_cuda_upload(p, h.data(), bytes);
  }
  ~Dev() { ss_cuda_free(p); }
  float* f() const { return static_cast<float*>(p); }
  int32_t* i() const { return static_cast<int32_t*>(p); }
  template <class T>
  std::vector<T> get(size_t n) const {
    std::vector<T> h(n);
    if (n) ss_cuda_download(h.data(), p, n * sizeof(T));
    return h;
  }
};

std::vector<float> randomVector(size_t n, unsigned seed, float scale = 1.f) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

// max |a - b| / (atol + rtol |b|) over the elements; <= 1 passes.
void compare(const std::string& name, const std::vector<float>& got, const std::vector<float>& want, double atol, double rtol) {
  double worst = 0, maxAbs = 0;
  bool nan = false;
  for (size_t k = 0; k < want.size(); k++) {
    if (std::isnan(got[k]) != std::isnan(want[k])) nan = true;
    if (std::isnan(want[k])) continue;
    const double d = std::fabs((double)got[k] - want[k]);
    maxAbs = std::fmax(maxAbs, d);
    worst = std::fmax(worst, d / (atol + rtol * std::fabs((double)want[k])));
  }
  const bool ok = !nan && worst <= 1 && ss_cuda_synchronize() == SS_OK;
  if (!ok) failures++;
  std::printf("%s %-44s max abs err %.3g (tolerance atol %.0e rtol %.0e)%s\n", ok ? "ok  " : "FAIL", name.c_str(), maxAbs, atol, rtol,
              nan ? " NaN mismatch" : "");
}

void expectOk(const std::string& what, ss_status s) {
  if (s != SS_OK) {
    failures++;
    std::printf("FAIL %s returned %d: %s\n", what.c_str(), (int)s, ss_cuda_last_error());
  }
}

void checkGemm(int ta, int tb, int64_t M, int64_t N, int64_t K, float beta) {
  const int64_t lda = ta ? M : K, ldb = tb ? K : N;
  auto A = randomVector(M * K, 1), B = randomVector(K * N, 2), C = randomVector(M * N, 3);
  Dev dA(A), dB(B), dC(C);
  std::vector<float> want = C;
  ss_sgemm(ta, tb, M, N, K, 0.7f, A.data(), lda, B.data(), ldb, beta, want.data(), N);
  expectOk("sgemm", ss_cuda_sgemm(ta, tb, M, N, K, 0.7f, dA.f(), lda, dB.f(), ldb, beta, dC.f(), N));
  char name[96];
  std::snprintf(name, sizeof name, "sgemm %c%c %lldx%lldx%lld beta %g", ta ? 'T' : 'N', tb ? 'T' : 'N', (long long)M, (long long)N, (long long)K, beta);
  // Sums of K products in another order: error grows like sqrt(K) ulps of the terms.
  compare(name, dC.get<float>(M * N), want, 1e-4 * std::sqrt((double)K), 1e-4);
}

void checkActivations() {
  const int64_t n = 100003;
  auto x = randomVector(n, 4, 3.f), dy = randomVector(n, 5);
  const char* names[] = {"relu", "leaky relu", "gelu", "sigmoid", "tanh"};
  for (int kind = SS_ACT_RELU; kind <= SS_ACT_TANH; kind++) {
    std::vector<float> y(n), dx(n);
    ss_activation_forward(kind, y.data(), x.data(), n, 0.1f);
    ss_activation_backward(kind, dx.data(), dy.data(), x.data(), y.data(), n, 0.1f);
    Dev dX(x), dY(y), dDy(dy), dDx(dx);
    expectOk("activation forward", ss_cuda_activation_forward(kind, dY.f(), dX.f(), n, 0.1f));
    compare(std::string(names[kind]) + " forward", dY.get<float>(n), y, 1e-6, 1e-5);
    ss_cuda_upload(dY.p, y.data(), n * sizeof(float));  // backward from the CPU's y
    expectOk("activation backward", ss_cuda_activation_backward(kind, dDx.f(), dDy.f(), dX.f(), dY.f(), n, 0.1f));
    compare(std::string(names[kind]) + " backward", dDx.get<float>(n), dx, 1e-6, 1e-5);
  }
}

void checkCrossEntropy(int64_t R, int64_t Cn, float smoothing, bool weighted) {
  auto logits = randomVector(R * Cn, 6, 2.f);
  std::vector<int32_t> targets(R);
  std::mt19937 g(7);
  for (auto& t : targets) t = (int32_t)(g() % Cn);
  targets[R / 2] = -100;  // an ignored row
  std::vector<float> w = randomVector(Cn, 8);
  for (auto& v : w) v = std::fabs(v) + 0.1f;
  float loss = 0;
  std::vector<float> d(R * Cn);
  ss_softmax_cross_entropy(&loss, d.data(), logits.data(), targets.data(), R, Cn, smoothing, -100, weighted ? w.data() : nullptr);
  Dev dz(logits), dt(targets), dw(w), dd(d), dl(std::vector<float>(1));
  expectOk("softmax cross-entropy", ss_cuda_softmax_cross_entropy(dl.f(), dd.f(), dz.f(), dt.i(), R, Cn, smoothing, -100, weighted ? dw.f() : nullptr));
  char name[96];
  std::snprintf(name, sizeof name, "softmax xent %lldx%lld smoothing %g%s", (long long)R, (long long)Cn, smoothing, weighted ? " weighted" : "");
  compare(std::string(name) + " loss", dl.get<float>(1), {loss}, 1e-6, 1e-5);
  compare(std::string(name) + " dlogits", dd.get<float>(R * Cn), d, 1e-7, 1e-4);
  // A target out of range is an error, not a silent answer.
  targets[0] = (int32_t)Cn;
  Dev bad(targets);
  if (ss_cuda_softmax_cross_entropy(dl.f(), dd.f(), dz.f(), bad.i(), R, Cn, smoothing, -100, nullptr) != SS_ERR_ARG) {
    failures++;
    std::printf("FAIL softmax xent accepted target %lld of %lld classes\n", (long long)Cn, (long long)Cn);
  }
}

void checkOptimizers() {
  const int64_t n = 70001;
  auto p = randomVector(n, 9), gr = randomVector(n, 10), buf = randomVector(n, 11);
  for (int nesterov = 0; nesterov < 2; nesterov++) {
    std::vector<float> pc = p, bc = buf;
    ss_sgd_step(pc.data(), bc.data(), gr.data(), n, 0.1f, 0.9f, 0.f, 5e-4f, nesterov, 0);
    Dev dp(p), dg(gr), db(buf);
    expectOk("sgd step", ss_cuda_sgd_step(dp.f(), db.f(), dg.f(), n, 0.1f, 0.9f, 0.f, 5e-4f, nesterov, 0));
    compare(nesterov ? "sgd step (nesterov) param" : "sgd step param", dp.get<float>(n), pc, 1e-6, 1e-6);
    compare(nesterov ? "sgd step (nesterov) momentum" : "sgd step momentum", db.get<float>(n), bc, 1e-6, 1e-6);
  }
  std::vector<float> m = randomVector(n, 12, 0.1f), v = randomVector(n, 13, 0.1f);
  for (auto& x : v) x = x * x;
  std::vector<float> pc = p, mc = m, vc = v;
  ss_adamw_step(pc.data(), mc.data(), vc.data(), gr.data(), n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 7);
  Dev dp(p), dm(m), dv(v), dg(gr);
  expectOk("adamw step", ss_cuda_adamw_step(dp.f(), dm.f(), dv.f(), dg.f(), n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 7));
  compare("adamw step param", dp.get<float>(n), pc, 1e-6, 1e-5);
  compare("adamw step m", dm.get<float>(n), mc, 1e-7, 1e-6);
  compare("adamw step v", dv.get<float>(n), vc, 1e-7, 1e-6);
}

ss_conv_params convParams(int N, int C, int K, int groups, std::array<int, 3> in, std::array<int, 3> k, std::array<int, 3> stride,
                          std::array<int, 3> pad, std::array<int, 3> dil) {
  ss_conv_params p{};
  p.N = N; p.C = C; p.K = K; p.groups = groups;
  for (int i = 0; i < 3; i++) {
    p.in[i] = in[i]; p.k[i] = k[i]; p.stride[i] = stride[i]; p.pad[i] = pad[i]; p.dil[i] = dil[i];
    p.out[i] = (in[i] + 2 * pad[i] - dil[i] * (k[i] - 1) - 1) / stride[i] + 1;
  }
  return p;
}

void checkConv(const std::string& what, const ss_conv_params& p) {
  const int64_t inPlane = (int64_t)p.in[0] * p.in[1] * p.in[2], outPlane = (int64_t)p.out[0] * p.out[1] * p.out[2];
  const int64_t taps = (int64_t)p.k[0] * p.k[1] * p.k[2], wSize = (int64_t)p.K * (p.C / p.groups) * taps;
  auto x = randomVector(p.N * p.C * inPlane, 20), w = randomVector(wSize, 21, 0.3f), b = randomVector(p.K, 22);
  auto dy = randomVector(p.N * p.K * outPlane, 23), dw0 = randomVector(wSize, 24), db0 = randomVector(p.K, 25);
  std::vector<float> y(p.N * p.K * outPlane), dx(p.N * p.C * inPlane), dw = dw0, db = db0;
  ss_conv_forward(y.data(), x.data(), w.data(), b.data(), &p);
  ss_conv_backward_data(dx.data(), dy.data(), w.data(), &p);
  ss_conv_backward_weight(dw.data(), db.data(), x.data(), dy.data(), &p);
  Dev dX(x), dW(w), dB(b), dDy(dy), dY(y), dDx(dx), dDw(dw0), dDb(db0);
  expectOk("conv forward", ss_cuda_conv_forward(dY.f(), dX.f(), dW.f(), dB.f(), &p));
  expectOk("conv backward data", ss_cuda_conv_backward_data(dDx.f(), dDy.f(), dW.f(), &p));
  expectOk("conv backward weight", ss_cuda_conv_backward_weight(dDw.f(), dDb.f(), dX.f(), dDy.f(), &p));
  const double sums = std::sqrt((double)(p.C / p.groups) * taps);
  compare("conv " + what + " forward", dY.get<float>(y.size()), y, 1e-4 * sums, 1e-4);
  compare("conv " + what + " backward data", dDx.get<float>(dx.size()), dx, 1e-4 * sums, 1e-4);
  compare("conv " + what + " backward weight", dDw.get<float>(dw.size()), dw, 1e-4 * std::sqrt((double)p.N * outPlane), 1e-4);
  compare("conv " + what + " bias grad", dDb.get<float>(db.size()), db, 1e-4 * std::sqrt((double)p.N * outPlane), 1e-4);
}

void checkBatchNorm(int64_t N, int64_t C, int64_t S, int relu) {
  const int64_t n = N * C * S;
  auto x = randomVector(n, 30, 2.f), gamma = randomVector(C, 31), beta = randomVector(C, 32), dy = randomVector(n, 33);
  for (auto& v : x) v += 3.f;  // a mean away from 0
  auto rm = randomVector(C, 34), rv = randomVector(C, 35);
  for (auto& v : rv) v = std::fabs(v) + 0.5f;
  std::vector<float> y(n), mean(C), invstd(C), rmC = rm, rvC = rv, dx(n), dg(C, 0.f), dbt(C, 0.f), ye(n);
  ss_batchnorm_forward_train(y.data(), mean.data(), invstd.data(), rmC.data(), rvC.data(), x.data(), gamma.data(), beta.data(), N, C, S, 0.1f, 1e-5f, relu);
  ss_batchnorm_backward(dx.data(), dg.data(), dbt.data(), dy.data(), x.data(), gamma.data(), mean.data(), invstd.data(), N, C, S, relu ? y.data() : nullptr);
  ss_batchnorm_forward_eval(ye.data(), x.data(), gamma.data(), beta.data(), rmC.data(), rvC.data(), N, C, S, 1e-5f, relu);
  Dev dX(x), dG(gamma), dBt(beta), dDy(dy), dY(y), dM(mean), dS(invstd), dRm(rm), dRv(rv), dDx(dx), dDg{std::vector<float>(C)}, dDb{std::vector<float>(C)}, dYe(ye);
  expectOk("batchnorm train", ss_cuda_batchnorm_forward_train(dY.f(), dM.f(), dS.f(), dRm.f(), dRv.f(), dX.f(), dG.f(), dBt.f(), N, C, S, 0.1f, 1e-5f, relu));
  char name[96];
  std::snprintf(name, sizeof name, "batchnorm%s N%lld C%lld S%lld", relu ? "+relu" : "", (long long)N, (long long)C, (long long)S);
  compare(std::string(name) + " y", dY.get<float>(n), y, 1e-5, 1e-4);
  compare(std::string(name) + " mean", dM.get<float>(C), mean, 1e-6, 1e-5);
  compare(std::string(name) + " invstd", dS.get<float>(C), invstd, 1e-6, 1e-5);
  compare(std::string(name) + " running mean", dRm.get<float>(C), rmC, 1e-6, 1e-5);
  compare(std::string(name) + " running var", dRv.get<float>(C), rvC, 1e-6, 1e-5);
  ss_cuda_upload(dY.p, y.data(), n * sizeof(float));  // the backward from the CPU's outputs and statistics
  ss_cuda_upload(dM.p, mean.data(), C * sizeof(float));
  ss_cuda_upload(dS.p, invstd.data(), C * sizeof(float));
  expectOk("batchnorm backward", ss_cuda_batchnorm_backward(dDx.f(), dDg.f(), dDb.f(), dDy.f(), dX.f(), dG.f(), dM.f(), dS.f(), N, C, S, relu ? dY.f() : nullptr));
  compare(std::string(name) + " dx", dDx.get<float>(n), dx, 1e-5, 1e-3);
  compare(std::string(name) + " dgamma", dDg.get<float>(C), dg, 1e-4, 1e-4);
  compare(std::string(name) + " dbeta", dDb.get<float>(C), dbt, 1e-4, 1e-4);
  ss_cuda_upload(dRm.p, rmC.data(), C * sizeof(float));
  ss_cuda_upload(dRv.p, rvC.data(), C * sizeof(float));
  expectOk("batchnorm eval", ss_cuda_batchnorm_forward_eval(dYe.f(), dX.f(), dG.f(), dBt.f(), dRm.f(), dRv.f(), N, C, S, 1e-5f, relu));
  compare(std::string(name) + " eval y", dYe.get<float>(n), ye, 1e-5, 1e-4);
}

void checkContrastive(int64_t R, int64_t D, float T) {
  auto z = randomVector(R * D, 40);
  std::vector<int32_t> pos(R);
  for (int64_t i = 0; i < R; i++) pos[i] = (int32_t)((i + R / 2) % R);  // NT-Xent's pairing
  float loss = 0;
  std::vector<float> dz(R * D);
  ss_info_nce(&loss, dz.data(), z.data(), pos.data(), R, D, T);
  Dev dZ(z), dPos(pos), dDz(dz), dL{std::vector<float>(1)};
  expectOk("info_nce", ss_cuda_info_nce(dL.f(), dDz.f(), dZ.f(), dPos.i(), R, D, T));
  char name[96];
  std::snprintf(name, sizeof name, "NT-Xent R%lld D%lld T %g", (long long)R, (long long)D, T);
  // The CPU's exp is a fast approximation (about 1e-6 relative): tolerances allow for it.
  compare(std::string(name) + " loss", dL.get<float>(1), {loss}, 1e-5, 1e-4);
  compare(std::string(name) + " dz", dDz.get<float>(R * D), dz, 1e-6, 1e-3);
  pos[0] = 0;  // its own row: an error
  Dev badPos(pos);
  if (ss_cuda_info_nce(dL.f(), dDz.f(), dZ.f(), badPos.i(), R, D, T) != SS_ERR_ARG) {
    failures++;
    std::printf("FAIL info_nce accepted a row as its own positive\n");
  }
  auto p = randomVector(R * D, 41), t = randomVector(R * D, 42);
  std::vector<float> dp(R * D);
  ss_byol_loss(&loss, dp.data(), p.data(), t.data(), R, D);
  Dev dP(p), dT(t), dDp(dp);
  expectOk("byol_loss", ss_cuda_byol_loss(dL.f(), dDp.f(), dP.f(), dT.f(), R, D));
  compare("BYOL loss " + std::to_string(R) + "x" + std::to_string(D), dL.get<float>(1), {loss}, 1e-6, 1e-5);
  compare("BYOL dp " + std::to_string(R) + "x" + std::to_string(D), dDp.get<float>(R * D), dp, 1e-7, 1e-4);
}

void checkEmbedding(int64_t R, int64_t V, int64_t D) {
  auto table = randomVector(V * D, 50), dout = randomVector(R * D, 51), dt0 = randomVector(V * D, 52);
  std::vector<int32_t> ids(R);
  std::mt19937 g(53);
  for (auto& v : ids) v = (int32_t)(g() % V);
  std::vector<float> out(R * D), dt = dt0;
  ss_embedding_forward(out.data(), table.data(), ids.data(), R, V, D);
  ss_embedding_backward(dt.data(), dout.data(), ids.data(), R, V, D);
  Dev dTable(table), dIds(ids), dOut(out), dDout(dout), dDt(dt0);
  expectOk("embedding forward", ss_cuda_embedding_forward(dOut.f(), dTable.f(), dIds.i(), R, V, D));
  expectOk("embedding backward", ss_cuda_embedding_backward(dDt.f(), dDout.f(), dIds.i(), R, V, D));
  compare("embedding forward", dOut.get<float>(R * D), out, 0, 0);
  compare("embedding backward (scatter-add)", dDt.get<float>(V * D), dt, 1e-6, 1e-5);
  ids[R - 1] = (int32_t)V;
  Dev badIds(ids);
  if (ss_cuda_embedding_forward(dOut.f(), dTable.f(), badIds.i(), R, V, D) != SS_ERR_ARG) {
    failures++;
    std::printf("FAIL embedding accepted id %lld of a %lld-row table\n", (long long)V, (long long)V);
  }
}

void checkSslOptimizers() {
  const int64_t n = 50001;
  auto p = randomVector(n, 60), gr = randomVector(n, 61, 0.01f), vel = randomVector(n, 62, 0.01f), online = randomVector(n, 63);
  for (int excluded = 0; excluded < 2; excluded++) {
    std::vector<float> pc = p, vc = vel;
    ss_lars_step(pc.data(), vc.data(), gr.data(), n, 0.3f, 0.9f, 1e-6f, 1e-3f, excluded);
    Dev dp(p), dv(vel), dg(gr);
    expectOk("lars step", ss_cuda_lars_step(dp.f(), dv.f(), dg.f(), n, 0.3f, 0.9f, 1e-6f, 1e-3f, excluded));
    compare(excluded ? "LARS step (excluded) param" : "LARS step param", dp.get<float>(n), pc, 1e-6, 1e-5);
    compare(excluded ? "LARS step (excluded) velocity" : "LARS step velocity", dv.get<float>(n), vc, 1e-7, 1e-4);
  }
  std::vector<float> tc = p;
  ss_ema_update(tc.data(), online.data(), n, 0.996f);
  Dev dt(p), doo(online);
  expectOk("ema update", ss_cuda_ema_update(dt.f(), doo.f(), n, 0.996f));
  compare("EMA update", dt.get<float>(n), tc, 1e-7, 1e-6);
}

void checkPool(const std::string& what, int N, int C, std::array<int, 3> in, std::array<int, 3> k, std::array<int, 3> stride,
               std::array<int, 3> pad, int includePad) {
  ss_pool_params p{};
  p.N = N; p.C = C; p.count_include_pad = includePad;
  for (int i = 0; i < 3; i++) {
    p.in[i] = in[i]; p.k[i] = k[i]; p.stride[i] = stride[i]; p.pad[i] = pad[i];
    p.out[i] = (in[i] + 2 * pad[i] - k[i]) / stride[i] + 1;
  }
  const int64_t inN = (int64_t)N * C * in[0] * in[1] * in[2], outN = (int64_t)N * C * p.out[0] * p.out[1] * p.out[2];
  auto x = randomVector(inN, 70), dy = randomVector(outN, 71);
  std::vector<float> y(outN), ya(outN), dx(inN), dxa(inN);
  std::vector<int32_t> am(outN);
  ss_maxpool_forward(y.data(), am.data(), x.data(), &p);
  ss_maxpool_backward(dx.data(), dy.data(), am.data(), &p);
  ss_avgpool_forward(ya.data(), x.data(), &p);
  ss_avgpool_backward(dxa.data(), dy.data(), &p);
  Dev dX(x), dDy(dy), dY(y), dAm(am), dDx(dx), dYa(ya), dDxa(dxa);
  expectOk("maxpool forward", ss_cuda_maxpool_forward(dY.f(), dAm.i(), dX.f(), &p));
  expectOk("maxpool backward", ss_cuda_maxpool_backward(dDx.f(), dDy.f(), dAm.i(), &p));
  expectOk("avgpool forward", ss_cuda_avgpool_forward(dYa.f(), dX.f(), &p));
  expectOk("avgpool backward", ss_cuda_avgpool_backward(dDxa.f(), dDy.f(), &p));
  compare("maxpool " + what + " forward", dY.get<float>(outN), y, 0, 0);
  const auto amGot = dAm.get<int32_t>(outN);
  const bool sameArgmax = amGot == am;
  if (!sameArgmax) failures++;
  std::printf("%s maxpool %s argmax\n", sameArgmax ? "ok  " : "FAIL", what.c_str());
  compare("maxpool " + what + " backward", dDx.get<float>(inN), dx, 1e-6, 1e-5);
  compare("avgpool " + what + " forward", dYa.get<float>(outN), ya, 1e-6, 1e-5);
  compare("avgpool " + what + " backward", dDxa.get<float>(inN), dxa, 1e-6, 1e-5);
}

void checkRandom() {
  // Exact: the same Philox words and the same float arithmetic on both sides.
  const int64_t n = 100003;
  std::vector<float> u(n), y(n), mask(n);
  auto x = randomVector(n, 80);
  ss_rng_uniform(u.data(), n, -0.5f, 2.f, 1234, 1ull << 33);
  ss_dropout_forward(y.data(), mask.data(), x.data(), n, 0.3f, 99, 77);
  Dev dU(u), dX(x), dY(y), dM(mask);
  expectOk("rng uniform", ss_cuda_rng_uniform(dU.f(), n, -0.5f, 2.f, 1234, 1ull << 33));
  expectOk("dropout", ss_cuda_dropout_forward(dY.f(), dM.f(), dX.f(), n, 0.3f, 99, 77));
  compare("uniform fill (same seed, same numbers)", dU.get<float>(n), u, 0, 0);
  compare("dropout mask (same seed, same mask)", dM.get<float>(n), mask, 0, 0);
  compare("dropout output", dY.get<float>(n), y, 0, 0);
  // Normals: the same uniforms through each backend's logf/cosf, so equal up to their rounding.
  std::vector<float> z(n);
  ss_rng_normal(z.data(), n, 0.5f, 2.f, 4321, 5);
  Dev dZ(z);
  expectOk("rng normal", ss_cuda_rng_normal(dZ.f(), n, 0.5f, 2.f, 4321, 5));
  compare("normal fill (same seed, same numbers up to logf/cosf rounding)", dZ.get<float>(n), z, 1e-5, 1e-5);
}

void checkLayerNorm(int64_t R, int64_t D) {
  auto x = randomVector(R * D, 90, 2.f), gamma = randomVector(D, 91), beta = randomVector(D, 92), dy = randomVector(R * D, 93);
  auto dg0 = randomVector(D, 94), db0 = randomVector(D, 95);
  std::vector<float> y(R * D), mean(R), rstd(R), dx(R * D), dg = dg0, db = db0;
  ss_layernorm_forward(y.data(), mean.data(), rstd.data(), x.data(), gamma.data(), beta.data(), R, D, 1e-5f);
  ss_layernorm_backward(dx.data(), dg.data(), db.data(), dy.data(), x.data(), gamma.data(), mean.data(), rstd.data(), R, D);
  Dev dX(x), dG(gamma), dB(beta), dDy(dy), dY(y), dM(mean), dS(rstd), dDx(dx), dDg(dg0), dDb(db0);
  expectOk("layernorm forward", ss_cuda_layernorm_forward(dY.f(), dM.f(), dS.f(), dX.f(), dG.f(), dB.f(), R, D, 1e-5f));
  const std::string name = "layernorm " + std::to_string(R) + "x" + std::to_string(D);
  compare(name + " y", dY.get<float>(R * D), y, 1e-5, 1e-4);
  compare(name + " rstd", dS.get<float>(R), rstd, 1e-6, 1e-5);
  ss_cuda_upload(dM.p, mean.data(), R * sizeof(float));
  ss_cuda_upload(dS.p, rstd.data(), R * sizeof(float));
  expectOk("layernorm backward", ss_cuda_layernorm_backward(dDx.f(), dDg.f(), dDb.f(), dDy.f(), dX.f(), dG.f(), dM.f(), dS.f(), R, D));
  compare(name + " dx", dDx.get<float>(R * D), dx, 1e-5, 1e-3);
  compare(name + " dgamma", dDg.get<float>(D), dg, 1e-4 * std::sqrt((double)R), 1e-4);
  compare(name + " dbeta", dDb.get<float>(D), db, 1e-4 * std::sqrt((double)R), 1e-4);
}

void checkUpsample(int N, int C, int H, int W, int Ho, int Wo, int mode, int ac) {
  const int64_t inN = (int64_t)N * C * H * W, outN = (int64_t)N * C * Ho * Wo;
  auto x = randomVector(inN, 100), dy = randomVector(outN, 101);
  std::vector<float> y(outN), dx(inN);
  ss_upsample2d_forward(y.data(), x.data(), N, C, H, W, Ho, Wo, mode, ac);
  ss_upsample2d_backward(dx.data(), dy.data(), N, C, H, W, Ho, Wo, mode, ac);
  Dev dX(x), dDy(dy), dY(y), dDx(dx);
  expectOk("upsample forward", ss_cuda_upsample2d_forward(dY.f(), dX.f(), N, C, H, W, Ho, Wo, mode, ac));
  expectOk("upsample backward", ss_cuda_upsample2d_backward(dDx.f(), dDy.f(), N, C, H, W, Ho, Wo, mode, ac));
  char name[96];
  std::snprintf(name, sizeof name, "upsample %s%s %dx%d -> %dx%d", mode ? "bilinear" : "nearest", ac ? " align corners" : "", H, W, Ho, Wo);
  compare(std::string(name) + " forward", dY.get<float>(outN), y, 1e-6, 1e-5);
  compare(std::string(name) + " backward", dDx.get<float>(inN), dx, 1e-6, 1e-5);
}

void checkAllocator() {
  void* a = nullptr;
  void* b = nullptr;
  expectOk("malloc", ss_cuda_malloc(&a, 1000));
  expectOk("free", ss_cuda_free(a));
  expectOk("malloc again", ss_cuda_malloc(&b, 900));  // same 1024-byte class: the cached block
  size_t allocated = 0, cached = 0;
  ss_cuda_memory_stats(&allocated, &cached);
  const bool reused = a == b;
  ss_cuda_free(b);
  if (ss_cuda_free(b) != SS_ERR_ARG) { failures++; std::printf("FAIL a double free was accepted\n"); }
  if (!reused) failures++;
  std::printf("%s allocator reuses a freed block of the same size class (allocated %zu, cached %zu bytes)\n", reused ? "ok  " : "FAIL", allocated, cached);
}

}  // namespace

int main() {
  int devices = 0;
  char msg[256];
  const ss_cuda_availability a = ss_cuda_probe(&devices, msg, sizeof msg);
  if (a != SS_CUDA_OK) {
    std::printf("skipped: %s (%s)\n", a == SS_CUDA_NO_DRIVER ? "no NVIDIA driver" : a == SS_CUDA_NO_DEVICE ? "no CUDA device" : "CUDA error", msg);
    return 0;
  }
  char name[256];
  size_t mem = 0;
  int major = 0, minor = 0;
  ss_cuda_device_info(0, name, sizeof name, &mem, &major, &minor);
  std::printf("device 0: %s, %.1f GiB, compute capability %d.%d (%d device%s)\n", name, mem / 1073741824.0, major, minor, devices, devices > 1 ? "s" : "");
  checkAllocator();
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++) checkGemm(ta, tb, 67, 45, 33, 0.f);
  checkGemm(0, 0, 256, 256, 256, 0.5f);
  checkGemm(1, 0, 128, 1152, 512, 1.f);
  checkGemm(0, 1, 1, 300, 7, 0.f);
  checkActivations();
  checkRandom();
  checkConv("2-D 3x3 pad 1", convParams(3, 5, 7, 1, {1, 9, 11}, {1, 3, 3}, {1, 1, 1}, {0, 1, 1}, {1, 1, 1}));
  checkConv("2-D 3x3 stride 2 pad 1", convParams(4, 8, 16, 1, {1, 14, 14}, {1, 3, 3}, {1, 2, 2}, {0, 1, 1}, {1, 1, 1}));
  checkConv("2-D grouped 5x5 dilation 2", convParams(2, 6, 9, 3, {1, 13, 12}, {1, 5, 5}, {1, 1, 1}, {0, 2, 3}, {1, 2, 2}));
  checkConv("2-D pointwise", convParams(2, 16, 8, 1, {1, 7, 7}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}));
  checkConv("1-D causal dilated", convParams(3, 4, 4, 1, {1, 1, 40}, {1, 1, 3}, {1, 1, 1}, {0, 0, 8}, {1, 1, 4}));
  checkConv("3-D 3x3x3 stride (1,2,2)", convParams(2, 3, 5, 1, {6, 10, 10}, {3, 3, 3}, {1, 2, 2}, {1, 1, 1}, {1, 1, 1}));
  checkPool("2-D 3x3 stride 2 pad 1", 4, 3, {1, 13, 14}, {1, 3, 3}, {1, 2, 2}, {0, 1, 1}, 1);
  checkPool("2-D 2x2 stride 2, padding not counted", 2, 5, {1, 8, 9}, {1, 2, 2}, {1, 2, 2}, {0, 1, 1}, 0);
  checkPool("global 7x7", 8, 16, {1, 7, 7}, {1, 7, 7}, {1, 1, 1}, {0, 0, 0}, 1);
  checkPool("3-D 2x3x3", 2, 3, {6, 9, 9}, {2, 3, 3}, {2, 2, 2}, {0, 1, 1}, 1);
  checkUpsample(2, 3, 7, 9, 14, 18, 0, 0);
  checkUpsample(2, 3, 7, 9, 14, 18, 1, 0);
  checkUpsample(2, 3, 5, 6, 16, 11, 1, 1);
  checkLayerNorm(4096, 96);
  checkLayerNorm(3, 1000);
  checkBatchNorm(8, 6, 49, 0);
  checkBatchNorm(8, 6, 49, 1);
  checkBatchNorm(300, 4, 1, 1);
  checkCrossEntropy(37, 10, 0.f, false);
  checkCrossEntropy(300, 1000, 0.1f, true);
  checkOptimizers();
  checkSslOptimizers();
  checkContrastive(16, 8, 0.5f);
  checkContrastive(512, 64, 0.2f);
  checkContrastive(64, 32, 0.05f);
  checkEmbedding(4096, 256, 96);
  checkEmbedding(37, 5, 3);
  std::printf("%s: %d failure%s\n", failures ? "FAILED" : "passed", failures, failures == 1 ? "" : "s");
  return failures ? 1 : 0;
}
