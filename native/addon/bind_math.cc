// Bindings for pointwise ops, randomness, upsampling, softmax/cross-entropy, channel ops and
// optimizer steps. Array lengths are the element counts; shapes come as integers.
#include "args.h"
#include "selfsup/kernels.h"

namespace selfsup {
namespace {

int64_t lengthOf(const Args& a, int i, const char* name) {
  if (a.info.Length() <= (size_t)i || !a.info[i].IsTypedArray()) a.typeError(std::string("expected Float32Array for ") + name);
  return (int64_t)a.info[i].As<Napi::TypedArray>().ElementLength();
}

uint64_t seedArg(const Args& a, int i, const char* name) { return (uint64_t)a.integer(i, name, 0); }

// activationForward(kind, y, x, alpha)
Napi::Value ActivationForward(const Napi::CallbackInfo& info) {
  Args a{info, "activationForward"};
  int kind = (int)a.integer(0, "kind", 0, 4);
  int64_t n = lengthOf(a, 2, "x");
  check(a, ss_activation_forward(kind, a.f32(1, "y", n), a.f32(2, "x", n), n, (float)a.num(3, "alpha")));
  return info.Env().Undefined();
}

// activationBackward(kind, dx, dy, x|null, y|null, alpha)
Napi::Value ActivationBackward(const Napi::CallbackInfo& info) {
  Args a{info, "activationBackward"};
  int kind = (int)a.integer(0, "kind", 0, 4);
  int64_t n = lengthOf(a, 2, "dy");
  bool needsY = kind == SS_ACT_SIGMOID || kind == SS_ACT_TANH;
  const float* x = a.f32(3, "x", n, needsY);
  const float* y = a.f32(4, "y", n, !needsY);
  check(a, ss_activation_backward(kind, a.f32(1, "dx", n), a.f32(2, "dy", n), x, y, n, (float)a.num(5, "alpha")));
  return info.Env().Undefined();
}

// dropoutForward(y, mask, x, p, seed, offset)
Napi::Value DropoutForward(const Napi::CallbackInfo& info) {
  Args a{info, "dropoutForward"};
  int64_t n = lengthOf(a, 2, "x");
  double p = a.num(3, "p");
  if (!(p >= 0 && p < 1)) a.rangeError("expected p in [0, 1)");
  check(a, ss_dropout_forward(a.f32(0, "y", n), a.f32(1, "mask", n), a.f32(2, "x", n), n, (float)p,
                              seedArg(a, 4, "seed"), seedArg(a, 5, "offset")));
  return info.Env().Undefined();
}

// rngUniform(out, lo, hi, seed, offset) / rngNormal(out, mean, std, seed, offset)
template <bool Normal>
Napi::Value RngFill(const Napi::CallbackInfo& info) {
  Args a{info, Normal ? "rngNormal" : "rngUniform"};
  int64_t n = lengthOf(a, 0, "out");
  float* out = a.f32(0, "out", n);
  float p0 = (float)a.num(1, Normal ? "mean" : "lo"), p1 = (float)a.num(2, Normal ? "std" : "hi");
  uint64_t seed = seedArg(a, 3, "seed"), off = seedArg(a, 4, "offset");
  check(a, Normal ? ss_rng_normal(out, n, p0, p1, seed, off) : ss_rng_uniform(out, n, p0, p1, seed, off));
  return info.Env().Undefined();
}

// upsample2dForward(y, x, N, C, H, W, Ho, Wo, mode, alignCorners) and backward(dx, dy, ...)
template <bool Backward>
Napi::Value Upsample2d(const Napi::CallbackInfo& info) {
  Args a{info, Backward ? "upsample2dBackward" : "upsample2dForward"};
  int64_t N = a.integer(2, "N"), C = a.integer(3, "C", 1);
  int H = (int)a.integer(4, "H", 1, 1 << 30), W = (int)a.integer(5, "W", 1, 1 << 30);
  int Ho = (int)a.integer(6, "Ho", 1, 1 << 30), Wo = (int)a.integer(7, "Wo", 1, 1 << 30);
  int mode = (int)a.integer(8, "mode", 0, 1);
  int ac = a.flag(9, "alignCorners");
  int64_t nIn = a.mul({N, C, H, W}), nOut = a.mul({N, C, Ho, Wo});
  if (Backward)
    check(a, ss_upsample2d_backward(a.f32(0, "dx", nIn), a.f32(1, "dy", nOut), N, C, H, W, Ho, Wo, mode, ac));
  else
    check(a, ss_upsample2d_forward(a.f32(0, "y", nOut), a.f32(1, "x", nIn), N, C, H, W, Ho, Wo, mode, ac));
  return info.Env().Undefined();
}

using XentFn = ss_status (*)(float*, float*, const float*, const int32_t*, int64_t, int64_t, float, int32_t,
                             const float*);

// softmaxCrossEntropy(dlogits|null, logits, targets, R, Cn, labelSmoothing, ignoreIndex, classWeights?) -> mean loss
template <XentFn F>
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Args a{info, "softmaxCrossEntropy"};
  int64_t R = a.integer(3, "R"), Cn = a.integer(4, "Cn", 1);
  double ls = a.num(5, "labelSmoothing");
  if (!(ls >= 0 && ls <= 1)) a.rangeError("expected labelSmoothing in [0, 1]");
  int32_t ignore = (int32_t)a.integer(6, "ignoreIndex", INT32_MIN, INT32_MAX);
  a.mul({R, Cn});
  const int32_t* t = a.i32(2, "targets", R);
  for (int64_t r = 0; r < R; r++)
    if (t[r] != ignore && (t[r] < 0 || t[r] >= Cn))
      a.rangeError("expected targets[" + std::to_string(r) + "] in [0, " + std::to_string(Cn) + ") but received " +
                   std::to_string(t[r]));
  float loss = 0;
  const int64_t RC = a.mul({R, Cn});
  const float* cw = a.f32(7, "classWeights", Cn, true);
  if (cw)
    for (int64_t j = 0; j < Cn; j++)
      if (!(cw[j] >= 0.f && std::isfinite(cw[j])))
        a.rangeError("expected classWeights[" + std::to_string(j) + "] to be finite and >= 0");
  check(a, F(&loss, a.f32(0, "dlogits", RC, true), a.f32(1, "logits", RC), t, R, Cn, (float)ls, ignore, cw));
  return Napi::Number::New(info.Env(), loss);
}

// softmaxForward(y, x, R, Cn, log)
Napi::Value SoftmaxForward(const Napi::CallbackInfo& info) {
  Args a{info, "softmaxForward"};
  int64_t R = a.integer(2, "R"), Cn = a.integer(3, "Cn", 1);
  const int64_t RC = a.mul({R, Cn});
  check(a, ss_softmax_forward(a.f32(0, "y", RC), a.f32(1, "x", RC), R, Cn, a.flag(4, "log")));
  return info.Env().Undefined();
}

// biasAdd(y, b, N, C, S)
Napi::Value BiasAdd(const Napi::CallbackInfo& info) {
  Args a{info, "biasAdd"};
  int64_t N = a.integer(2, "N"), C = a.integer(3, "C", 1), S = a.integer(4, "S", 1);
  check(a, ss_bias_add(a.f32(0, "y", a.mul({N, C, S})), a.f32(1, "b", C), N, C, S));
  return info.Env().Undefined();
}

// reduceChannels(out, x, N, C, S, accumulate): out[c] (+)= sum over n, s of x[n, c, s]
Napi::Value ReduceChannels(const Napi::CallbackInfo& info) {
  Args a{info, "reduceChannels"};
  int64_t N = a.integer(2, "N"), C = a.integer(3, "C", 1), S = a.integer(4, "S", 1);
  check(a, ss_reduce_nc_s(a.f32(0, "out", C), a.f32(1, "x", a.mul({N, C, S})), N, C, S, a.flag(5, "accumulate")));
  return info.Env().Undefined();
}

using InfoNceFn = ss_status (*)(float*, float*, const float*, const int32_t*, int64_t, int64_t, float);

// infoNce(dz|null, z, pos, R, D, temperature) -> mean loss
template <InfoNceFn F>
Napi::Value InfoNce(const Napi::CallbackInfo& info) {
  Args a{info, "infoNce"};
  int64_t R = a.integer(3, "R", 2), D = a.integer(4, "D", 1);
  double T = a.num(5, "temperature");
  if (!(T > 0)) a.rangeError("expected temperature > 0");
  const int64_t RD = a.mul({R, D});
  a.mul({R, R});
  const int32_t* pos = a.i32(2, "pos", R);
  for (int64_t i = 0; i < R; i++)
    if (pos[i] < 0 || pos[i] >= R || pos[i] == i)
      a.rangeError("expected pos[" + std::to_string(i) + "] in [0, " + std::to_string(R) + ") and not " + std::to_string(i));
  float loss = 0;
  check(a, F(&loss, a.f32(0, "dz", RD, true), a.f32(1, "z", RD), pos, R, D, (float)T));
  return Napi::Number::New(info.Env(), loss);
}

// byolLoss(dp|null, p, t, N, D) -> mean loss
Napi::Value ByolLoss(const Napi::CallbackInfo& info) {
  Args a{info, "byolLoss"};
  int64_t N = a.integer(3, "N", 1), D = a.integer(4, "D", 1);
  const int64_t ND = a.mul({N, D});
  float loss = 0;
  check(a, ss_byol_loss(&loss, a.f32(0, "dp", ND, true), a.f32(1, "p", ND), a.f32(2, "t", ND), N, D));
  return Napi::Number::New(info.Env(), loss);
}

// regressionLoss(kind, dpred|null, pred, target, beta) -> mean loss; kind 0 L1, 1 MSE, 2 smooth L1
Napi::Value RegressionLoss(const Napi::CallbackInfo& info) {
  Args a{info, "regressionLoss"};
  int kind = (int)a.integer(0, "kind", 0, 2);
  int64_t n = lengthOf(a, 2, "pred");
  if (n < 1) a.rangeError("expected pred to hold at least one element");
  double beta = a.num(4, "beta");
  if (kind == SS_LOSS_SMOOTH_L1 && !(beta > 0)) a.rangeError("expected beta > 0");
  float loss = 0;
  check(a, ss_regression_loss(kind, &loss, a.f32(1, "dpred", n, true), a.f32(2, "pred", n), a.f32(3, "target", n), n, (float)beta));
  return Napi::Number::New(info.Env(), loss);
}

// larsStep(param, velocity, grad, lr, momentum, weightDecay, eta, excluded)
Napi::Value LarsStep(const Napi::CallbackInfo& info) {
  Args a{info, "larsStep"};
  int64_t n = lengthOf(a, 0, "param");
  check(a, ss_lars_step(a.f32(0, "param", n), a.f32(1, "velocity", n), a.f32(2, "grad", n), n, (float)a.num(3, "lr"),
                        (float)a.num(4, "momentum"), (float)a.num(5, "weightDecay"), (float)a.num(6, "eta"),
                        a.flag(7, "excluded")));
  return info.Env().Undefined();
}

// emaUpdate(target, online, tau)
Napi::Value EmaUpdate(const Napi::CallbackInfo& info) {
  Args a{info, "emaUpdate"};
  int64_t n = lengthOf(a, 0, "target");
  double tau = a.num(2, "tau");
  if (!(tau >= 0 && tau <= 1)) a.rangeError("expected tau in [0, 1]");
  check(a, ss_ema_update(a.f32(0, "target", n), a.f32(1, "online", n), n, (float)tau));
  return info.Env().Undefined();
}

// sgdStep(param, momentumBuf|null, grad, lr, momentum, dampening, weightDecay, nesterov, firstStep)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Args a{info, "sgdStep"};
  int64_t n = lengthOf(a, 0, "param");
  float momentum = (float)a.num(4, "momentum");
  check(a, ss_sgd_step(a.f32(0, "param", n), a.f32(1, "momentumBuf", n, momentum == 0.f), a.f32(2, "grad", n), n,
                       (float)a.num(3, "lr"), momentum, (float)a.num(5, "dampening"), (float)a.num(6, "weightDecay"),
                       a.flag(7, "nesterov"), a.flag(8, "firstStep")));
  return info.Env().Undefined();
}

// adamwStep(param, m, v, grad, lr, beta1, beta2, eps, weightDecay, step)
Napi::Value AdamwStep(const Napi::CallbackInfo& info) {
  Args a{info, "adamwStep"};
  int64_t n = lengthOf(a, 0, "param");
  check(a, ss_adamw_step(a.f32(0, "param", n), a.f32(1, "m", n), a.f32(2, "v", n), a.f32(3, "grad", n), n,
                         (float)a.num(4, "lr"), (float)a.num(5, "beta1"), (float)a.num(6, "beta2"),
                         (float)a.num(7, "eps"), (float)a.num(8, "weightDecay"), a.integer(9, "step", 1)));
  return info.Env().Undefined();
}

}  // namespace

void registerMath(Napi::Env env, Napi::Object exports) {
  auto ref = exports.Has("ref") ? exports.Get("ref").As<Napi::Object>() : Napi::Object::New(env);
  exports.Set("activationForward", Napi::Function::New(env, ActivationForward));
  exports.Set("activationBackward", Napi::Function::New(env, ActivationBackward));
  exports.Set("dropoutForward", Napi::Function::New(env, DropoutForward));
  exports.Set("rngUniform", Napi::Function::New(env, RngFill<false>));
  exports.Set("rngNormal", Napi::Function::New(env, RngFill<true>));
  exports.Set("upsample2dForward", Napi::Function::New(env, Upsample2d<false>));
  exports.Set("upsample2dBackward", Napi::Function::New(env, Upsample2d<true>));
  exports.Set("softmaxCrossEntropy", Napi::Function::New(env, SoftmaxCrossEntropy<ss_softmax_cross_entropy>));
  ref.Set("softmaxCrossEntropy", Napi::Function::New(env, SoftmaxCrossEntropy<ss_ref_softmax_cross_entropy>));
  exports.Set("softmaxForward", Napi::Function::New(env, SoftmaxForward));
  exports.Set("biasAdd", Napi::Function::New(env, BiasAdd));
  exports.Set("reduceChannels", Napi::Function::New(env, ReduceChannels));
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep));
  exports.Set("adamwStep", Napi::Function::New(env, AdamwStep));
  exports.Set("infoNce", Napi::Function::New(env, InfoNce<ss_info_nce>));
  ref.Set("infoNce", Napi::Function::New(env, InfoNce<ss_ref_info_nce>));
  exports.Set("byolLoss", Napi::Function::New(env, ByolLoss));
  exports.Set("larsStep", Napi::Function::New(env, LarsStep));
  exports.Set("regressionLoss", Napi::Function::New(env, RegressionLoss));
  exports.Set("emaUpdate", Napi::Function::New(env, EmaUpdate));
  exports.Set("ref", ref);
}

}  // namespace selfsup
