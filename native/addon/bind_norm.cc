// Bindings for batch norm and layer norm. Optional tensors (affine params, running stats, dx)
// may be passed as null.
#include "args.h"
#include "selfsup/kernels.h"

namespace selfsup {
namespace {

using BnTrainFn = ss_status (*)(float*, float*, float*, float*, float*, const float*, const float*, const float*,
                                int64_t, int64_t, int64_t, float, float, int);
using BnBwdFn = ss_status (*)(float*, float*, float*, const float*, const float*, const float*, const float*,
                              const float*, int64_t, int64_t, int64_t, const float*);

// batchNormForwardTrain(y, saveMean, saveInvstd, runningMean|null, runningVar|null, x, gamma|null, beta|null,
//                       N, C, S, momentum, eps, relu? (0|1, fused ReLU))
template <BnTrainFn F>
Napi::Value BatchNormForwardTrain(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormForwardTrain"};
  int64_t N = a.integer(8, "N", 1), C = a.integer(9, "C", 1), S = a.integer(10, "S", 1);
  float momentum = (float)a.num(11, "momentum"), eps = (float)a.num(12, "eps");
  if (!(eps > 0)) a.rangeError("expected eps > 0");
  int64_t n = a.mul({N, C, S});
  check(a, F(a.f32(0, "y", n), a.f32(1, "saveMean", C), a.f32(2, "saveInvstd", C), a.f32(3, "runningMean", C, true),
             a.f32(4, "runningVar", C, true), a.f32(5, "x", n), a.f32(6, "gamma", C, true), a.f32(7, "beta", C, true),
             N, C, S, momentum, eps, a.isNull(13) ? 0 : (int)a.integer(13, "relu", 0, 1)));
  return info.Env().Undefined();
}

// batchNormForwardEval(y, x, gamma|null, beta|null, runningMean, runningVar, N, C, S, eps, relu? (0|1))
Napi::Value BatchNormForwardEval(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormForwardEval"};
  int64_t N = a.integer(6, "N"), C = a.integer(7, "C", 1), S = a.integer(8, "S", 1);
  float eps = (float)a.num(9, "eps");
  if (!(eps > 0)) a.rangeError("expected eps > 0");
  int64_t n = a.mul({N, C, S});
  check(a, ss_batchnorm_forward_eval(a.f32(0, "y", n), a.f32(1, "x", n), a.f32(2, "gamma", C, true),
                                     a.f32(3, "beta", C, true), a.f32(4, "runningMean", C),
                                     a.f32(5, "runningVar", C), N, C, S, eps, a.isNull(10) ? 0 : (int)a.integer(10, "relu", 0, 1)));
  return info.Env().Undefined();
}

// batchNormBackward(dx|null, dgamma|null, dbeta|null, dy, x, gamma|null, saveMean, saveInvstd, N, C, S,
//                   reluOut|null (the fused forward's output: dy is masked by reluOut > 0))
template <BnBwdFn F>
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  Args a{info, "batchNormBackward"};
  int64_t N = a.integer(8, "N", 1), C = a.integer(9, "C", 1), S = a.integer(10, "S", 1);
  int64_t n = a.mul({N, C, S});
  check(a, F(a.f32(0, "dx", n, true), a.f32(1, "dgamma", C, true), a.f32(2, "dbeta", C, true), a.f32(3, "dy", n),
             a.f32(4, "x", n), a.f32(5, "gamma", C, true), a.f32(6, "saveMean", C), a.f32(7, "saveInvstd", C), N, C,
             S, a.f32(11, "reluOut", n, true)));
  return info.Env().Undefined();
}

// layerNormForward(y, mean, rstd, x, gamma|null, beta|null, R, D, eps)
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  Args a{info, "layerNormForward"};
  int64_t R = a.integer(6, "R"), D = a.integer(7, "D", 1);
  float eps = (float)a.num(8, "eps");
  if (!(eps > 0)) a.rangeError("expected eps > 0");
  const int64_t RD = a.mul({R, D});
  check(a, ss_layernorm_forward(a.f32(0, "y", RD), a.f32(1, "mean", R), a.f32(2, "rstd", R), a.f32(3, "x", RD),
                                a.f32(4, "gamma", D, true), a.f32(5, "beta", D, true), R, D, eps));
  return info.Env().Undefined();
}

// layerNormBackward(dx, dgamma|null, dbeta|null, dy, x, gamma|null, mean, rstd, R, D)
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  Args a{info, "layerNormBackward"};
  int64_t R = a.integer(8, "R"), D = a.integer(9, "D", 1);
  const int64_t RD = a.mul({R, D});
  check(a, ss_layernorm_backward(a.f32(0, "dx", RD), a.f32(1, "dgamma", D, true), a.f32(2, "dbeta", D, true),
                                 a.f32(3, "dy", RD), a.f32(4, "x", RD), a.f32(5, "gamma", D, true),
                                 a.f32(6, "mean", R), a.f32(7, "rstd", R), R, D));
  return info.Env().Undefined();
}

}  // namespace

void registerNorm(Napi::Env env, Napi::Object exports) {
  auto ref = exports.Has("ref") ? exports.Get("ref").As<Napi::Object>() : Napi::Object::New(env);
  exports.Set("batchNormForwardTrain", Napi::Function::New(env, BatchNormForwardTrain<ss_batchnorm_forward_train>));
  ref.Set("batchNormForwardTrain", Napi::Function::New(env, BatchNormForwardTrain<ss_ref_batchnorm_forward_train>));
  exports.Set("batchNormForwardEval", Napi::Function::New(env, BatchNormForwardEval));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward<ss_batchnorm_backward>));
  ref.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward<ss_ref_batchnorm_backward>));
  exports.Set("layerNormForward", Napi::Function::New(env, LayerNormForward));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward));
  exports.Set("ref", ref);
}

}  // namespace selfsup
