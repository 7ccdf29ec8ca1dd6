// Bindings for the pretext-task kernels: grid patch sampling (relative position, jigsaw), the
// four-rotation batch, sRGB <-> Lab, the batched transpose (NCHW <-> NHWC) and the embedding
// lookup of the sequence tasks.
#include "args.h"
#include "selfsup/kernels.h"

namespace selfsup {
namespace {

uint64_t seedArg(const Args& a, int i, const char* name) { return (uint64_t)a.integer(i, name, 0); }

struct GridArgs {
  int64_t N;
  int C, H, W, P, G, J, aberration;
};

// Arguments from index `i`: N, C, H, W, patch, gap, jitter, aberration.
GridArgs gridArgs(const Args& a, int i) {
  GridArgs g;
  g.N = a.integer(i, "N");
  g.C = (int)a.integer(i + 1, "C", 1, 4);
  g.H = (int)a.integer(i + 2, "H", 1, 1 << 16);
  g.W = (int)a.integer(i + 3, "W", 1, 1 << 16);
  g.P = (int)a.integer(i + 4, "patch", 1, 1 << 16);
  g.G = (int)a.integer(i + 5, "gap", 0, 1 << 16);
  g.J = (int)a.integer(i + 6, "jitter", 0, 1 << 16);
  g.aberration = (int)a.integer(i + 7, "aberration", 0, 2);
  const int64_t need = 3LL * g.P + 2LL * g.G + 2LL * g.J;
  if (need > g.H || need > g.W)
    a.rangeError("expected 3 * patch + 2 * gap + 2 * jitter = " + std::to_string(need) + " to fit in H = " +
                 std::to_string(g.H) + " and W = " + std::to_string(g.W));
  return g;
}

// relativePositionPatches(out, labels, record|null, images, N, C, H, W, patch, gap, jitter, aberration, seed, offset)
Napi::Value RelativePositionPatches(const Napi::CallbackInfo& info) {
  Args a{info, "relativePositionPatches"};
  const GridArgs g = gridArgs(a, 4);
  check(a, ss_relative_position_patches(a.f32(0, "out", a.mul({g.N, 2, g.C, g.P, g.P})), a.i32(1, "labels", g.N),
                                        a.f32(2, "record", a.mul({g.N, SS_PATCH_RECORD}), true),
                                        a.u8(3, "images", a.mul({g.N, g.C, g.H, g.W})), g.N, g.C, g.H, g.W, g.P, g.G,
                                        g.J, g.aberration, seedArg(a, 12, "seed"), seedArg(a, 13, "offset")));
  return info.Env().Undefined();
}

// jigsawTiles(out, labels, record|null, images, N, C, H, W, patch, gap, jitter, aberration, perms, numPerms, seed, offset)
Napi::Value JigsawTiles(const Napi::CallbackInfo& info) {
  Args a{info, "jigsawTiles"};
  const GridArgs g = gridArgs(a, 4);
  const int numPerms = (int)a.integer(13, "numPerms", 1, 1 << 20);
  const int32_t* perms = a.i32(12, "perms", a.mul({numPerms, 9}));
  for (int64_t i = 0; i < 9LL * numPerms; i++)
    if (perms[i] < 0 || perms[i] > 8)
      a.rangeError("expected perms[" + std::to_string(i) + "] in [0, 8] but received " + std::to_string(perms[i]));
  check(a, ss_jigsaw_tiles(a.f32(0, "out", a.mul({g.N, 9, g.C, g.P, g.P})), a.i32(1, "labels", g.N),
                           a.f32(2, "record", a.mul({g.N, SS_PATCH_RECORD}), true),
                           a.u8(3, "images", a.mul({g.N, g.C, g.H, g.W})), g.N, g.C, g.H, g.W, g.P, g.G, g.J, perms,
                           numPerms, g.aberration, seedArg(a, 14, "seed"), seedArg(a, 15, "offset")));
  return info.Env().Undefined();
}

// rotate90Batch(out, x, N, C, S)
Napi::Value Rotate90Batch(const Napi::CallbackInfo& info) {
  Args a{info, "rotate90Batch"};
  const int64_t N = a.integer(2, "N"), C = a.integer(3, "C", 1), S = a.integer(4, "S", 1, 1 << 16);
  const int64_t n = a.mul({N, C, S, S});
  check(a, ss_rotate90_batch(a.f32(0, "out", a.mul({4, n})), a.f32(1, "x", n), N, C, (int)S));
  return info.Env().Undefined();
}

// rgbToLab(out, x, N, S) / labToRgb(out, x, N, S): planar (N, 3, S)
template <bool kToLab>
Napi::Value ColorConvert(const Napi::CallbackInfo& info) {
  Args a{info, kToLab ? "rgbToLab" : "labToRgb"};
  const int64_t N = a.integer(2, "N"), S = a.integer(3, "S", 1);
  const int64_t n = a.mul({N, 3, S});
  float* out = a.f32(0, "out", n);
  const float* x = a.f32(1, "x", n);
  check(a, kToLab ? ss_rgb_to_lab(out, x, N, S) : ss_lab_to_rgb(out, x, N, S));
  return info.Env().Undefined();
}

// transposeBatched(out, x, B, R, C): out[b, c, r] = x[b, r, c]
Napi::Value TransposeBatched(const Napi::CallbackInfo& info) {
  Args a{info, "transposeBatched"};
  const int64_t B = a.integer(2, "B"), R = a.integer(3, "R", 1), C = a.integer(4, "C", 1);
  const int64_t n = a.mul({B, R, C});
  check(a, ss_transpose_batched(a.f32(0, "out", n), a.f32(1, "x", n), B, R, C));
  return info.Env().Undefined();
}

using EmbeddingFn = ss_status (*)(float*, const float*, const int32_t*, int64_t, int64_t, int64_t);

// embeddingForward(out, table, ids, V, D) / embeddingBackward(dtable, dout, ids, V, D)
template <EmbeddingFn F, bool kBackward>
Napi::Value Embedding(const Napi::CallbackInfo& info) {
  Args a{info, kBackward ? "embeddingBackward" : "embeddingForward"};
  const int64_t V = a.integer(3, "V", 1), D = a.integer(4, "D", 1);
  if (a.info.Length() <= 2 || !a.info[2].IsTypedArray()) a.typeError("expected Int32Array for ids");
  const int64_t R = (int64_t)a.info[2].As<Napi::TypedArray>().ElementLength();
  const int32_t* ids = a.i32(2, "ids", R);
  for (int64_t r = 0; r < R; r++)
    if (ids[r] < 0 || ids[r] >= V)
      a.rangeError("expected ids[" + std::to_string(r) + "] in [0, " + std::to_string(V) + ") but received " + std::to_string(ids[r]));
  const int64_t RD = a.mul({R, D}), VD = a.mul({V, D});
  float* out = a.f32(0, kBackward ? "dtable" : "out", kBackward ? VD : RD);
  const float* in = a.f32(1, kBackward ? "dout" : "table", kBackward ? RD : VD);
  check(a, F(out, in, ids, R, V, D));
  return info.Env().Undefined();
}

}  // namespace

void registerPretext(Napi::Env env, Napi::Object exports) {
  exports.Set("relativePositionPatches", Napi::Function::New(env, RelativePositionPatches));
  exports.Set("jigsawTiles", Napi::Function::New(env, JigsawTiles));
  exports.Set("rotate90Batch", Napi::Function::New(env, Rotate90Batch));
  exports.Set("rgbToLab", Napi::Function::New(env, ColorConvert<true>));
  exports.Set("labToRgb", Napi::Function::New(env, ColorConvert<false>));
  exports.Set("transposeBatched", Napi::Function::New(env, TransposeBatched));
  exports.Set("patchRecordSize", Napi::Number::New(env, SS_PATCH_RECORD));
  exports.Set("embeddingForward", Napi::Function::New(env, Embedding<ss_embedding_forward, false>));
  exports.Set("embeddingBackward", Napi::Function::New(env, Embedding<ss_embedding_backward, true>));
  auto ref = exports.Has("ref") ? exports.Get("ref").As<Napi::Object>() : Napi::Object::New(env);
  ref.Set("embeddingForward", Napi::Function::New(env, Embedding<ss_ref_embedding_forward, false>));
  ref.Set("embeddingBackward", Napi::Function::New(env, Embedding<ss_ref_embedding_backward, true>));
  exports.Set("ref", ref);
}

}  // namespace selfsup
