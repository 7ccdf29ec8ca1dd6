// selfsup CUDA kernel C ABI: the CUDA twin of kernels.h. Each ss_cuda_X takes the arguments of the
// CPU kernel ss_X (same order, same meaning, same layouts) with every tensor pointer a device
// pointer, and runs on the calling thread's current stream (the legacy default stream for now).
// Scalars written by a kernel (a loss) are device pointers too. Sources sit in native/kernels/cuda/
// beside native/kernels/cpu/ under the same file names; native/cuda-check/ compares every kernel
// here with its CPU twin. Built only into selfsup_cuda.node and the check binary (CMakeLists.txt,
// SELFSUP_CUDA), never into the CPU addon.
#ifndef SELFSUP_KERNELS_CUDA_H
#define SELFSUP_KERNELS_CUDA_H
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---- Runtime. Why CUDA cannot run here, if it cannot: SS_CUDA_OK with *devices >= 1, or one of
// the reasons below with a readable message (the CUDA runtime's own words) in msg.
typedef enum { SS_CUDA_OK = 0, SS_CUDA_NO_DRIVER = 1, SS_CUDA_NO_DEVICE = 2, SS_CUDA_ERROR = 3 } ss_cuda_availability;
ss_cuda_availability ss_cuda_probe(int* devices, char* msg, size_t msgSize);
// Name, total memory (bytes) and compute capability of device `index`.
ss_status ss_cuda_device_info(int index, char* name, size_t nameSize, size_t* totalMemory, int* major, int* minor);
ss_status ss_cuda_set_device(int index);

// ---- Memory: a caching allocator (freed blocks are kept per size class and reused, as
// PyTorch's), so a training step does not call cudaMalloc once warm. Out of memory: the cache is
// emptied and the allocation retried once; then SS_ERR_ALLOC.
ss_status ss_cuda_malloc(void** ptr, size_t bytes);
ss_status ss_cuda_free(void* ptr);
ss_status ss_cuda_empty_cache(void);
// Bytes held by live allocations and by the cache.
void ss_cuda_memory_stats(size_t* allocated, size_t* cached);
ss_status ss_cuda_upload(void* device, const void* host, size_t bytes);
ss_status ss_cuda_download(void* host, const void* device, size_t bytes);
// Waits for the device; returns the first asynchronous kernel error, if any.
ss_status ss_cuda_synchronize(void);
// The last CUDA error's text (thread-local), for messages after a failed call.
const char* ss_cuda_last_error(void);

// ---- Kernels (see kernels.h for each one's meaning).
ss_status ss_cuda_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                        int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
ss_status ss_cuda_conv_forward(float* y, const float* x, const float* w, const float* b, const ss_conv_params* p);
ss_status ss_cuda_conv_backward_data(float* dx, const float* dy, const float* w, const ss_conv_params* p);
ss_status ss_cuda_conv_backward_weight(float* dw, float* db, const float* x, const float* dy, const ss_conv_params* p);
ss_status ss_cuda_maxpool_forward(float* y, int32_t* argmax, const float* x, const ss_pool_params* p);
ss_status ss_cuda_maxpool_backward(float* dx, const float* dy, const int32_t* argmax, const ss_pool_params* p);
ss_status ss_cuda_avgpool_forward(float* y, const float* x, const ss_pool_params* p);
ss_status ss_cuda_avgpool_backward(float* dx, const float* dy, const ss_pool_params* p);
ss_status ss_cuda_batchnorm_forward_train(float* y, float* saveMean, float* saveInvstd, float* runningMean,
                                          float* runningVar, const float* x, const float* gamma, const float* beta,
                                          int64_t N, int64_t C, int64_t S, float momentum, float eps, int relu);
ss_status ss_cuda_batchnorm_forward_eval(float* y, const float* x, const float* gamma, const float* beta,
                                         const float* runningMean, const float* runningVar, int64_t N, int64_t C,
                                         int64_t S, float eps, int relu);
ss_status ss_cuda_batchnorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                     const float* gamma, const float* saveMean, const float* saveInvstd, int64_t N,
                                     int64_t C, int64_t S, const float* reluOut);
ss_status ss_cuda_layernorm_forward(float* y, float* mean, float* rstd, const float* x, const float* gamma,
                                    const float* beta, int64_t R, int64_t D, float eps);
ss_status ss_cuda_layernorm_backward(float* dx, float* dgamma, float* dbeta, const float* dy, const float* x,
                                     const float* gamma, const float* mean, const float* rstd, int64_t R, int64_t D);
ss_status ss_cuda_activation_forward(int kind, float* y, const float* x, int64_t n, float alpha);
ss_status ss_cuda_activation_backward(int kind, float* dx, const float* dy, const float* x, const float* y, int64_t n,
                                      float alpha);
ss_status ss_cuda_upsample2d_forward(float* y, const float* x, int64_t N, int64_t C, int H, int W, int Ho, int Wo,
                                     int mode, int alignCorners);
ss_status ss_cuda_upsample2d_backward(float* dx, const float* dy, int64_t N, int64_t C, int H, int W, int Ho, int Wo,
                                      int mode, int alignCorners);
ss_status ss_cuda_softmax_cross_entropy(float* loss, float* dlogits, const float* logits, const int32_t* targets,
                                        int64_t R, int64_t Cn, float labelSmoothing, int32_t ignoreIndex,
                                        const float* classWeights);
ss_status ss_cuda_info_nce(float* loss, float* dz, const float* z, const int32_t* pos, int64_t R, int64_t D,
                           float temperature);
ss_status ss_cuda_byol_loss(float* loss, float* dp, const float* p, const float* t, int64_t N, int64_t D);
ss_status ss_cuda_embedding_forward(float* out, const float* table, const int32_t* ids, int64_t R, int64_t V, int64_t D);
ss_status ss_cuda_embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t R, int64_t V, int64_t D);
ss_status ss_cuda_lars_step(float* param, float* velocity, const float* grad, int64_t n, float lr, float momentum,
                            float weightDecay, float eta, int excluded);
ss_status ss_cuda_ema_update(float* target, const float* online, int64_t n, float tau);
ss_status ss_cuda_rng_uniform(float* out, int64_t n, float lo, float hi, uint64_t seed, uint64_t offset);
ss_status ss_cuda_rng_normal(float* out, int64_t n, float mean, float std, uint64_t seed, uint64_t offset);
ss_status ss_cuda_dropout_forward(float* y, float* mask, const float* x, int64_t n, float p, uint64_t seed,
                                  uint64_t offset);
ss_status ss_cuda_sgd_step(float* param, float* momentumBuf, const float* grad, int64_t n, float lr, float momentum,
                           float dampening, float weightDecay, int nesterov, int firstStep);
ss_status ss_cuda_adamw_step(float* param, float* m, float* v, const float* grad, int64_t n, float lr, float beta1,
                             float beta2, float eps, float weightDecay, int64_t step);

#ifdef __cplusplus
}
#endif
#endif
