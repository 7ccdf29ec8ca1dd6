// Bindings for GEMM, convolution and pooling. Parameters arrive as Int32Arrays in the layouts the
// TypeScript layer builds (lib/native/params.ts): conv [N, C, K, groups, in[3], out[3], k[3],
// stride[3], pad[3], dil[3]], pool [N, C, in[3], out[3], k[3], stride[3], pad[3], countIncludePad].
#include "../kernels/cpu/conv_geometry.h"
#include "args.h"
#include "selfsup/kernels.h"

namespace selfsup {
namespace {

using GemmFn = ss_status (*)(int, int, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                             int64_t, float, float*, int64_t);

// gemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
template <GemmFn F>
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Args a{info, "gemm"};
  bool ta = a.flag(0, "transA"), tb = a.flag(1, "transB");
  int64_t M = a.integer(2, "M"), N = a.integer(3, "N"), K = a.integer(4, "K");
  float alpha = (float)a.num(5, "alpha");
  int64_t lda = a.integer(7, "lda", 1), ldb = a.integer(9, "ldb", 1), ldc = a.integer(12, "ldc", 1);
  float beta = (float)a.num(10, "beta");
  int64_t aRows = ta ? K : M, aCols = ta ? M : K, bRows = tb ? N : K, bCols = tb ? K : N;
  if (lda < aCols || ldb < bCols || ldc < N) a.rangeError("leading dimension smaller than the row length");
  auto need = [&](int64_t rows, int64_t cols, int64_t ld) { return rows == 0 || cols == 0 ? 0 : a.mul({rows - 1, ld}) + cols; };
  a.mul({M, N, K});
  const float* A = a.f32(6, "A", need(aRows, aCols, lda));
  const float* B = a.f32(8, "B", need(bRows, bCols, ldb));
  float* C = a.f32(11, "C", need(M, N, ldc));
  check(a, F(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc));
  return info.Env().Undefined();
}

ss_conv_params convParams(const Args& a, int i) {
  const int32_t* v = a.i32(i, "params", 22);
  ss_conv_params p;
  p.N = v[0]; p.C = v[1]; p.K = v[2]; p.groups = v[3];
  for (int d = 0; d < 3; d++) {
    p.in[d] = v[4 + d]; p.out[d] = v[7 + d]; p.k[d] = v[10 + d];
    p.stride[d] = v[13 + d]; p.pad[d] = v[16 + d]; p.dil[d] = v[19 + d];
  }
  if (!convParamsValid(&p)) a.rangeError("inconsistent convolution parameters");
  return p;
}

struct ConvSizes {
  int64_t x, w, y;
};
// Checked products: the kernels' own int64 size arithmetic is safe once these fit.
ConvSizes convSizes(const Args& a, const ss_conv_params& p) {
  ConvSizes s{a.mul({p.N, p.C, p.in[0], p.in[1], p.in[2]}), a.mul({p.K, p.C / p.groups, p.k[0], p.k[1], p.k[2]}),
              a.mul({p.N, p.K, p.out[0], p.out[1], p.out[2]})};
  a.mul({p.C, p.k[0], p.k[1], p.k[2], p.out[0], p.out[1], p.out[2]});  // the im2col buffer
  return s;
}

using ConvFwdFn = ss_status (*)(float*, const float*, const float*, const float*, const ss_conv_params*);
using ConvBwdDataFn = ss_status (*)(float*, const float*, const float*, const ss_conv_params*);
using ConvBwdWeightFn = ss_status (*)(float*, float*, const float*, const float*, const ss_conv_params*);

// convForward(y, x, w, b|null, params)
template <ConvFwdFn F>
Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  Args a{info, "convForward"};
  ss_conv_params p = convParams(a, 4);
  ConvSizes s = convSizes(a, p);
  float* y = a.f32(0, "y", s.y);
  const float* x = a.f32(1, "x", s.x);
  const float* w = a.f32(2, "w", s.w);
  const float* b = a.f32(3, "b", p.K, true);
  check(a, F(y, x, w, b, &p));
  return info.Env().Undefined();
}

// convBackwardData(dx, dy, w, params)
template <ConvBwdDataFn F>
Napi::Value ConvBackwardData(const Napi::CallbackInfo& info) {
  Args a{info, "convBackwardData"};
  ss_conv_params p = convParams(a, 3);
  ConvSizes s = convSizes(a, p);
  check(a, F(a.f32(0, "dx", s.x), a.f32(1, "dy", s.y), a.f32(2, "w", s.w), &p));
  return info.Env().Undefined();
}

// convBackwardWeight(dw, db|null, x, dy, params)
template <ConvBwdWeightFn F>
Napi::Value ConvBackwardWeight(const Napi::CallbackInfo& info) {
  Args a{info, "convBackwardWeight"};
  ss_conv_params p = convParams(a, 4);
  ConvSizes s = convSizes(a, p);
  check(a, F(a.f32(0, "dw", s.w), a.f32(1, "db", p.K, true), a.f32(2, "x", s.x), a.f32(3, "dy", s.y), &p));
  return info.Env().Undefined();
}

ss_pool_params poolParams(const Args& a, int i) {
  const int32_t* v = a.i32(i, "params", 18);
  ss_pool_params p;
  p.N = v[0]; p.C = v[1];
  for (int d = 0; d < 3; d++) {
    p.in[d] = v[2 + d]; p.out[d] = v[5 + d]; p.k[d] = v[8 + d]; p.stride[d] = v[11 + d]; p.pad[d] = v[14 + d];
  }
  p.count_include_pad = v[17];
  if (!poolParamsValid(&p)) a.rangeError("inconsistent pooling parameters");
  return p;
}

// Checked element counts of a pooling call's input and output.
struct PoolSizes {
  int64_t in, out;
};
PoolSizes poolSizes(const Args& a, const ss_pool_params& p) {
  return {a.mul({p.N, p.C, p.in[0], p.in[1], p.in[2]}), a.mul({p.N, p.C, p.out[0], p.out[1], p.out[2]})};
}

using MaxFwdFn = ss_status (*)(float*, int32_t*, const float*, const ss_pool_params*);
using AvgFwdFn = ss_status (*)(float*, const float*, const ss_pool_params*);

// maxPoolForward(y, argmax, x, params)
template <MaxFwdFn F>
Napi::Value MaxPoolForward(const Napi::CallbackInfo& info) {
  Args a{info, "maxPoolForward"};
  ss_pool_params p = poolParams(a, 3);
  const PoolSizes n = poolSizes(a, p);
  check(a, F(a.f32(0, "y", n.out), a.i32(1, "argmax", n.out), a.f32(2, "x", n.in), &p));
  return info.Env().Undefined();
}

// maxPoolBackward(dx, dy, argmax, params)
Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  Args a{info, "maxPoolBackward"};
  ss_pool_params p = poolParams(a, 3);
  const PoolSizes n = poolSizes(a, p);
  check(a, ss_maxpool_backward(a.f32(0, "dx", n.in), a.f32(1, "dy", n.out), a.i32(2, "argmax", n.out), &p));
  return info.Env().Undefined();
}

// avgPoolForward(y, x, params)
template <AvgFwdFn F>
Napi::Value AvgPoolForward(const Napi::CallbackInfo& info) {
  Args a{info, "avgPoolForward"};
  ss_pool_params p = poolParams(a, 2);
  const PoolSizes n = poolSizes(a, p);
  check(a, F(a.f32(0, "y", n.out), a.f32(1, "x", n.in), &p));
  return info.Env().Undefined();
}

// avgPoolBackward(dx, dy, params)
template <AvgFwdFn F>
Napi::Value AvgPoolBackward(const Napi::CallbackInfo& info) {
  Args a{info, "avgPoolBackward"};
  ss_pool_params p = poolParams(a, 2);
  const PoolSizes n = poolSizes(a, p);
  check(a, F(a.f32(0, "dx", n.in), a.f32(1, "dy", n.out), &p));
  return info.Env().Undefined();
}

}  // namespace

void registerConv(Napi::Env env, Napi::Object exports) {
  auto ref = exports.Has("ref") ? exports.Get("ref").As<Napi::Object>() : Napi::Object::New(env);
  exports.Set("gemm", Napi::Function::New(env, Gemm<ss_sgemm>));
  ref.Set("gemm", Napi::Function::New(env, Gemm<ss_ref_sgemm>));
  exports.Set("convForward", Napi::Function::New(env, ConvForward<ss_conv_forward>));
  ref.Set("convForward", Napi::Function::New(env, ConvForward<ss_ref_conv_forward>));
  exports.Set("convBackwardData", Napi::Function::New(env, ConvBackwardData<ss_conv_backward_data>));
  ref.Set("convBackwardData", Napi::Function::New(env, ConvBackwardData<ss_ref_conv_backward_data>));
  exports.Set("convBackwardWeight", Napi::Function::New(env, ConvBackwardWeight<ss_conv_backward_weight>));
  ref.Set("convBackwardWeight", Napi::Function::New(env, ConvBackwardWeight<ss_ref_conv_backward_weight>));
  exports.Set("maxPoolForward", Napi::Function::New(env, MaxPoolForward<ss_maxpool_forward>));
  ref.Set("maxPoolForward", Napi::Function::New(env, MaxPoolForward<ss_ref_maxpool_forward>));
  exports.Set("maxPoolBackward", Napi::Function::New(env, MaxPoolBackward));
  exports.Set("avgPoolForward", Napi::Function::New(env, AvgPoolForward<ss_avgpool_forward>));
  ref.Set("avgPoolForward", Napi::Function::New(env, AvgPoolForward<ss_ref_avgpool_forward>));
  exports.Set("avgPoolBackward", Napi::Function::New(env, AvgPoolBackward<ss_avgpool_backward>));
  ref.Set("avgPoolBackward", Napi::Function::New(env, AvgPoolBackward<ss_ref_avgpool_backward>));
  exports.Set("ref", ref);
}

}  // namespace selfsup
