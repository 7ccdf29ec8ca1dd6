// Bindings for the batched augmentation kernel: augment() runs it on the calling thread (using the
// thread pool), augmentAsync() runs the same kernel on a libuv worker thread and returns a Promise,
// so the trainer can make the next batch's views while the JS thread runs the current step.
// The async kernel runs serially (nested parallelFor inline): the pool belongs to the step, and
// the per-sample counter-based RNG makes the pixels the same either way.
#include "args.h"
#include "../core/threadpool.h"
#include "selfsup/kernels.h"

namespace selfsup {
namespace {

uint64_t seedArg(const Args& a, int i, const char* name) { return (uint64_t)a.integer(i, name, 0); }

// Arguments shared by both calls:
// (out, record|null, input (Uint8Array), N, C, H, W, Ho, Wo, params (Float32Array[32]), seed, offset)
// params: cropProb scaleMin scaleMax ratioMin ratioMax hflipProb vflipProb rot90Prob rotateProb
// rotateMaxDeg translateMax jitterProb brightness contrast saturation hue grayscaleProb blurProb
// blurSigmaMin blurSigmaMax blurKernel solarizeProb solarizeThreshold normalize mean[4] std[4].
struct AugmentCall {
  float* out;
  float* record;
  const uint8_t* input;
  int64_t N;
  int C, H, W, Ho, Wo;
  ss_augment_params p;
  uint64_t seed, offset;

  explicit AugmentCall(const Args& a) {
    N = a.integer(3, "N");
    C = (int)a.integer(4, "C", 1, 4);
    H = (int)a.integer(5, "H", 1, 1 << 16);
    W = (int)a.integer(6, "W", 1, 1 << 16);
    Ho = (int)a.integer(7, "Ho", 1, 1 << 16);
    Wo = (int)a.integer(8, "Wo", 1, 1 << 16);
    const float* v = a.f32(9, "params", 32);
    float* f[] = {&p.cropProb, &p.scaleMin, &p.scaleMax, &p.ratioMin, &p.ratioMax, &p.hflipProb, &p.vflipProb,
                  &p.rot90Prob, &p.rotateProb, &p.rotateMaxDeg, &p.translateMax, &p.jitterProb, &p.brightness,
                  &p.contrast, &p.saturation, &p.hue, &p.grayscaleProb, &p.blurProb, &p.blurSigmaMin, &p.blurSigmaMax};
    for (int i = 0; i < 20; i++) *f[i] = v[i];
    p.blurKernel = (int)v[20];
    p.solarizeProb = v[21];
    p.solarizeThreshold = v[22];
    p.normalize = v[23] != 0.f;
    for (int c = 0; c < 4; c++) { p.mean[c] = v[24 + c]; p.std[c] = v[28 + c]; }
    if (!(p.scaleMin > 0 && p.scaleMin <= p.scaleMax && p.ratioMin > 0 && p.ratioMin <= p.ratioMax))
      a.rangeError("expected 0 < scaleMin <= scaleMax and 0 < ratioMin <= ratioMax");
    if (p.normalize)
      for (int c = 0; c < C; c++)
        if (!(p.std[c] > 0)) a.rangeError("expected std > 0 for every channel");
    out = a.f32(0, "out", a.mul({N, C, Ho, Wo}));
    record = a.f32(1, "record", a.mul({N, SS_AUG_RECORD}), true);
    input = a.u8(2, "input", a.mul({N, C, H, W}));
    seed = seedArg(a, 10, "seed");
    offset = seedArg(a, 11, "offset");
  }

  int run() const { return ss_augment(out, record, input, N, C, H, W, Ho, Wo, &p, seed, offset); }
};

Napi::Value Augment(const Napi::CallbackInfo& info) {
  Args a{info, "augment"};
  check(a, AugmentCall(a).run());
  return info.Env().Undefined();
}

// Holds references to the three arrays until the kernel is done, so the garbage collector cannot
// free memory the worker thread is writing.
class AugmentWorker : public Napi::AsyncWorker {
 public:
  AugmentWorker(const Napi::CallbackInfo& info, const AugmentCall& call)
      : Napi::AsyncWorker(info.Env(), "selfsup.augmentAsync"), call_(call), deferred_(Napi::Promise::Deferred::New(info.Env())) {
    for (int i = 0; i < 3; i++)
      if (info[i].IsObject()) refs_[i] = Napi::Persistent(info[i].As<Napi::Object>());
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    SerialScope serial;
    status_ = call_.run();
    if (status_ != 0) SetError("selfsup.augmentAsync: kernel rejected its arguments (status " + std::to_string(status_) + ")");
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(Napi::RangeError::New(Env(), e.Message()).Value()); }

 private:
  AugmentCall call_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference refs_[3];
  int status_ = 0;
};

Napi::Value AugmentAsync(const Napi::CallbackInfo& info) {
  Args a{info, "augmentAsync"};
  AugmentCall call(a);  // every argument checked here, on the JS thread, before any work is queued
  auto* worker = new AugmentWorker(info, call);  // owned by libuv: deleted after OnOK/OnError
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace

void registerAugment(Napi::Env env, Napi::Object exports) {
  exports.Set("augment", Napi::Function::New(env, Augment));
  exports.Set("augmentAsync", Napi::Function::New(env, AugmentAsync));
  exports.Set("augmentRecordSize", Napi::Number::New(env, SS_AUG_RECORD));
}

}  // namespace selfsup
