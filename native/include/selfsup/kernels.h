// selfsup kernel C ABI: every kernel the addon exposes, CPU-optimized (ss_*) and naive reference
// (ss_ref_*) side by side under the same signature. Conventions (after llm.c):
//   - outputs first, then inputs, then sizes/params;
//   - activations and input gradients are written with '=', parameter gradients accumulate with '+=';
//   - all tensors are contiguous float32, NC + spatial layout (NCL, NCHW, NCDHW), row-major matrices;
//   - functions return SS_OK or an error code and never throw across this line.
#ifndef SELFSUP_KERNELS_H
#define SELFSUP_KERNELS_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { SS_OK = 0, SS_ERR_ARG = 1, SS_ERR_ALLOC = 2 } ss_status;

// ---- GEMM: C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is MxK, op(B) is KxN.
ss_status ss_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                   int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
ss_status ss_ref_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                       int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

// ---- Convolution over 1..3 spatial dims. Lower-rank convs use leading spatial extents of 1
// (1-D: in = {1, 1, L}). x is (N, C, in...), w is (K, C/groups, k...), y is (N, K, out...).
typedef struct {
  int N, C, K, groups;
  int in[3], out[3], k[3], stride[3], pad[3], dil[3];
} ss_conv_params;

ss_status ss_conv_forward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p);
ss_status ss_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p);
ss_status ss_conv_backward_weight(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p);
ss_status ss_ref_conv_forward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p);
ss_status ss_ref_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p);
ss_status ss_ref_conv_backward_weight(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p);

// ---- Pooling over 1..3 spatial dims (same padding convention as conv). argmax is the flat index
// into the (in...) spatial plane of the max element, or -1 when the window saw only padding.
typedef struct {
  int N, C;
  int in[3], out[3], k[3], stride[3], pad[3];
  int count_include_pad;
} ss_pool_params;

ss_status ss_maxpool_forward(float* y, int32_t* argmax, const float* x, const ss_pool_params* p);
ss_status ss_maxpool_backward(float* dx, const float* dy, const int32_t* argmax, const ss_pool_params* p);
ss_status ss_avgpool_forward(float* y, const float* x, const ss_pool_params* p);
ss_status ss_avgpool_backward(float* dx, const float* dy, const ss_pool_params* p);
ss_status ss_ref_maxpool_forward(float* y, int32_t* argmax, const float* x, const ss_pool_params* p);
ss_status ss_ref_avgpool_forward(float* y, const float* x, const ss_pool_params* p);
ss_status ss_ref_avgpool_backward(float* dx, const float* dy, const ss_pool_params* p);

// ---- Batch norm over (N, C, S): statistics per channel over N*S. saveMean/saveInvstd (C) keep what
// the backward needs; running stats update as PyTorch's (unbiased variance, momentum).
// Fused ReLU (BN + ReLU, as every conv stage has): relu != 0 writes max(0, BN(x)) in the same pass,
// and the backward given that output (reluOut, else null) masks dy by reluOut > 0 on the fly, so
// neither the BN output nor the masked gradient is ever materialized.
ss_status ss_batchnorm_forward_train(float* y, float* saveMean, float* saveInvstd, float* runningMean,
                                     float* runningVar, const float* x, const float* gamma, const float* beta,
                                     int64_t N, int64_t C, int64_t S, float momentum, float eps, int relu);
ss_status ss_batchnorm_forward_eval(float* y, const float* x, const float* gamma, const float* beta,
                                    const float* runningMean, const float* runningVar, int64_t N, int64_t C,
                                    int64_t S, float eps, int relu);
ss_status ss_batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                const float* gamma, const float* saveMean, const float* saveInvstd, int64_t N,
                                int64_t C, int64_t S, const float* reluOut);
ss_status ss_ref_batchnorm_forward_train(float* y, float* saveMean, float* saveInvstd, float* runningMean,
                                         float* runningVar, const float* x, const float* gamma,
                                         const float* beta, int64_t N, int64_t C, int64_t S, float momentum,
                                         float eps, int relu);
ss_status ss_ref_batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                    const float* gamma, const float* saveMean, const float* saveInvstd,
                                    int64_t N, int64_t C, int64_t S, const float* reluOut);

// ---- Layer norm over the last D elements of R rows; gamma/beta (D) may be null.
ss_status ss_layernorm_forward(float* y, float* mean, float* rstd, const float* x, const float* gamma,
                               const float* beta, int64_t R, int64_t D, float eps);
ss_status ss_layernorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                const float* gamma, const float* mean, const float* rstd, int64_t R, int64_t D);

// ---- Activations. kind: 0 relu, 1 leaky relu (alpha = slope), 2 gelu (erf), 3 sigmoid, 4 tanh.
// Backward reads x for relu/leaky/gelu and y for sigmoid/tanh.
enum { SS_ACT_RELU = 0, SS_ACT_LEAKY_RELU = 1, SS_ACT_GELU = 2, SS_ACT_SIGMOID = 3, SS_ACT_TANH = 4 };
ss_status ss_activation_forward(int kind, float* y, const float* x, int64_t n, float alpha);
ss_status ss_activation_backward(int kind, float* dx, const float* dy, const float* x, const float* y, int64_t n,
                                 float alpha);

// ---- Dropout: mask[i] = keep ? 1/(1-p) : 0 from the counter-based RNG at (seed, offset + i); y = x*mask.
ss_status ss_dropout_forward(float* y, float* mask, const float* x, int64_t n, float p, uint64_t seed,
                             uint64_t offset);
// ---- Uniform / normal fill from the counter-based RNG (init, noise): element i uses counter offset + i.
ss_status ss_rng_uniform(float* out, int64_t n, float lo, float hi, uint64_t seed, uint64_t offset);
ss_status ss_rng_normal(float* out, int64_t n, float mean, float std, uint64_t seed, uint64_t offset);

// ---- Upsampling (N, C, H, W) -> (N, C, Ho, Wo). mode 0 nearest, 1 bilinear (alignCorners 0/1).
ss_status ss_upsample2d_forward(float* y, const float* x, int64_t N, int64_t C, int H, int W, int Ho, int Wo,
                                int mode, int alignCorners);
ss_status ss_upsample2d_backward(float* dx, const float* dy, int64_t N, int64_t C, int H, int W, int Ho, int Wo,
                                 int mode, int alignCorners);

// ---- Softmax cross-entropy over R rows of Cn classes, fused forward + backward.
// targets: class index per row; rows with target == ignoreIndex contribute nothing.
// Writes the mean loss over counted rows to *loss and, when dlogits is non-null, d(mean loss)/dlogits.
// classWeights (Cn, may be null) as PyTorch's `weight`: the mean is weighted by w[target].
ss_status ss_softmax_cross_entropy(float* loss, float* dlogits, const float* logits, const int32_t* targets,
                                   int64_t R, int64_t Cn, float labelSmoothing, int32_t ignoreIndex,
                                   const float* classWeights);
ss_status ss_ref_softmax_cross_entropy(float* loss, float* dlogits, const float* logits, const int32_t* targets,
                                       int64_t R, int64_t Cn, float labelSmoothing, int32_t ignoreIndex,
                                       const float* classWeights);
ss_status ss_softmax_forward(float* y, const float* x, int64_t R, int64_t Cn, int logOutput);

// ---- Contrastive losses (fused forward + backward; dz / dp may be null for the loss alone).
// InfoNCE over R rows of D-dim z (rows L2-normalized inside), temperature T, pos[i] = index of row
// i's positive (never i); NT-Xent is pos[i] = (i + R/2) mod R. Writes the mean loss and dL/dz.
ss_status ss_info_nce(float* loss, float* dz, const float* z, const int32_t* pos, int64_t R, int64_t D,
                      float temperature);
ss_status ss_ref_info_nce(float* loss, float* dz, const float* z, const int32_t* pos, int64_t R, int64_t D,
                          float temperature);
// BYOL: mean over N rows of 2 - 2 cos(p_i, t_i); dp = dL/dp (t is a stop-gradient target).
ss_status ss_byol_loss(float* loss, float* dp, const float* p, const float* t, int64_t N, int64_t D);

// ---- Augmentation (native/kernels/cpu/augment.cc): uint8 (N, C, H, W) -> float (N, C, Ho, Wo).
// Probabilities in [0, 1]; ranges as torchvision's. record (may be null) receives SS_AUG_RECORD
// floats per sample: affine [6], brightness, contrast, saturation, hue, jitter order [4], jitter
// applied, grayscale, blur sigma (0 = none), solarize.
#define SS_AUG_RECORD 20
typedef struct {
  float cropProb, scaleMin, scaleMax, ratioMin, ratioMax;
  float hflipProb, vflipProb, rot90Prob, rotateProb, rotateMaxDeg, translateMax;
  float jitterProb, brightness, contrast, saturation, hue;
  float grayscaleProb;
  float blurProb, blurSigmaMin, blurSigmaMax;
  int blurKernel;  // odd kernel size; 0 = 2*ceil(3 sigma)+1
  float solarizeProb, solarizeThreshold;
  int normalize;
  float mean[4], std[4];
} ss_augment_params;
ss_status ss_augment(float* out, float* record, const uint8_t* in, int64_t N, int C, int H, int W, int Ho, int Wo,
                     const ss_augment_params* p, uint64_t seed, uint64_t offset);

// ---- Pretext sampling (native/kernels/cpu/patch_sample.cc): uint8 (N, C, H, W) in. A 3x3 grid of
// P x P patches, gap G, jitter J (needs 3P + 2G + 2J <= H, W); each patch normalized on its own;
// aberration 0 none, 1 channel dropping, 2 gray (colour only). record (may be null) receives
// SS_PATCH_RECORD floats per sample: label, origin x, y, then x, y, kept channel per output patch.
#define SS_PATCH_RECORD 30
int64_t ss_patch_counters_per_sample(int C, int P);
// out (N, 2, C, P, P) = [centre, neighbour], labels (N) in 0..7.
ss_status ss_relative_position_patches(float* out, int32_t* labels, float* record, const uint8_t* images,
                                       int64_t N, int C, int H, int W, int P, int G, int J, int aberration,
                                       uint64_t seed, uint64_t offset);
// out (N, 9, C, P, P): tile t = grid cell perms[label * 9 + t]; labels (N) in [0, numPerms).
ss_status ss_jigsaw_tiles(float* out, int32_t* labels, float* record, const uint8_t* images, int64_t N, int C,
                          int H, int W, int P, int G, int J, const int32_t* perms, int numPerms, int aberration,
                          uint64_t seed, uint64_t offset);
// out (4N, C, S, S): sample 4n + r = torch.rot90(x[n], r, dims=(H, W)).
ss_status ss_rotate90_batch(float* out, const float* x, int64_t N, int64_t C, int S);

// ---- Colour (native/kernels/cpu/color.cc): planar (N, 3, S); sRGB in [0, 1] <-> CIE Lab (D65).
ss_status ss_rgb_to_lab(float* lab, const float* rgb, int64_t N, int64_t S);
ss_status ss_lab_to_rgb(float* rgb, const float* lab, int64_t N, int64_t S);  // clamps to [0, 1]

// ---- Embedding (native/kernels/cpu/embedding.cc): out (R, D) = table[ids[r]] from a (V, D) table;
// backward: dtable[ids[r]] += dout[r] (accumulates, fixed order).
ss_status ss_embedding_forward(float* out, const float* table, const int32_t* ids, int64_t R, int64_t V, int64_t D);
ss_status ss_embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V, int64_t D);
ss_status ss_ref_embedding_forward(float* out, const float* table, const int32_t* ids, int64_t R, int64_t V, int64_t D);
ss_status ss_ref_embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V, int64_t D);

// ---- Regression losses, mean over n elements of pred - target; dpred (may be null) = d(mean)/dpred.
enum { SS_LOSS_L1 = 0, SS_LOSS_MSE = 1, SS_LOSS_SMOOTH_L1 = 2 };
ss_status ss_regression_loss(int kind, float* loss, float* dpred, const float* pred, const float* target, int64_t n,
                             float beta);

// ---- Channel bias and reductions over (N, C, S).
ss_status ss_bias_add(float* y, const float* b, int64_t N, int64_t C, int64_t S);         // y[n,c,s] += b[c]
// out[b, c, r] = x[b, r, c]: (B, R, C) -> (B, C, R); NCHW <-> NHWC with R = channels, C = H*W.
ss_status ss_transpose_batched(float* out, const float* x, int64_t B, int64_t R, int64_t C);
ss_status ss_reduce_nc_s(float* out, const float* x, int64_t N, int64_t C, int64_t S, int accumulate); // out[c] (+)= sum_{n,s}

// ---- Optimizer steps (in place on param). PyTorch semantics.
ss_status ss_sgd_step(float* param, float* momentumBuf, const float* grad, int64_t n, float lr, float momentum,
                      float dampening, float weightDecay, int nesterov, int firstStep);
ss_status ss_adamw_step(float* param, float* m, float* v, const float* grad, int64_t n, float lr, float beta1,
                        float beta2, float eps, float weightDecay, int64_t step);

// LARS (SimCLR's form): excluded parameters get no weight decay and no trust-ratio adaptation.
ss_status ss_lars_step(float* param, float* velocity, const float* grad, int64_t n, float lr, float momentum,
                       float weightDecay, float eta, int excluded);
// Exponential moving average: target = tau * target + (1 - tau) * online.
ss_status ss_ema_update(float* target, const float* online, int64_t n, float tau);

// ---- Runtime: ISA and threads.
typedef enum { SS_ISA_SCALAR = 0, SS_ISA_AVX2 = 1, SS_ISA_AVX512 = 2 } ss_isa;
ss_isa ss_isa_detected(void);   // best the CPU and OS support
ss_isa ss_isa_active(void);     // what kernels use now
int ss_isa_set(ss_isa isa);     // returns 0 when the CPU cannot run it
const char* ss_isa_name(ss_isa isa);
void ss_set_num_threads(int n);
int ss_get_num_threads(void);

#ifdef __cplusplus
}
#endif
#endif
