// Argument access for the binding functions: typed-array views that respect byteOffset, integer
// and number checks, and size checks, each throwing a TypeError/RangeError that names the function
// and argument. The TypeScript layer validates first; this is the second line of defence, so a bad
// call from JS can never reach a kernel with a short buffer.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace selfsup {

struct Args {
  const Napi::CallbackInfo& info;
  const char* fn;

  Napi::Env env() const { return info.Env(); }

  [[noreturn]] void typeError(const std::string& what) const {
    throw Napi::TypeError::New(env(), std::string("selfsup.") + fn + ": " + what);
  }
  [[noreturn]] void rangeError(const std::string& what) const {
    throw Napi::RangeError::New(env(), std::string("selfsup.") + fn + ": " + what);
  }

  bool isNull(int i) const { return info.Length() <= (size_t)i || info[i].IsNull() || info[i].IsUndefined(); }

  // Element counts are products of caller-supplied sizes; they must not wrap before they are
  // compared with a buffer length. Products are capped at 2^50 elements (4 PiB of floats).
  int64_t mul(std::initializer_list<int64_t> xs) const {
    constexpr int64_t kMax = INT64_C(1) << 50;
    int64_t r = 1;
    for (int64_t v : xs) {
      if (v < 0) rangeError("expected non-negative sizes but received " + std::to_string(v));
      if (v != 0 && r > kMax / v) rangeError("sizes too large: the element count exceeds 2^50");
      r *= v;
    }
    return r;
  }

  template <class T, napi_typedarray_type kType>
  T* typed(int i, const char* name, int64_t need, bool optional, const char* typeName) const {
    if (optional && isNull(i)) return nullptr;
    if (info.Length() <= (size_t)i || !info[i].IsTypedArray())
      typeError(std::string("expected ") + typeName + " for " + name);
    // The raw call gives the data pointer (byteOffset applied) for ArrayBuffer- and
    // SharedArrayBuffer-backed arrays alike; node-addon-api's ArrayBuffer() rejects the latter.
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env(), info[i], &type, &length, &data, nullptr, nullptr) != napi_ok || type != kType)
      typeError(std::string("expected ") + typeName + " for " + name);
    if ((int64_t)length < need)
      rangeError(std::string("expected ") + name + " to hold at least " + std::to_string(need) +
                 " elements but it holds " + std::to_string(length));
    if (length > 0 && data == nullptr) typeError(std::string("expected ") + name + " to have readable memory (detached buffer?)");
    return static_cast<T*>(data);
  }

  float* f32(int i, const char* name, int64_t need, bool optional = false) const {
    return typed<float, napi_float32_array>(i, name, need, optional, "Float32Array");
  }
  uint8_t* u8(int i, const char* name, int64_t need, bool optional = false) const {
    return typed<uint8_t, napi_uint8_array>(i, name, need, optional, "Uint8Array");
  }
  int32_t* i32(int i, const char* name, int64_t need, bool optional = false) const {
    return typed<int32_t, napi_int32_array>(i, name, need, optional, "Int32Array");
  }

  double num(int i, const char* name) const {
    if (info.Length() <= (size_t)i || !info[i].IsNumber()) typeError(std::string("expected number for ") + name);
    double v = info[i].As<Napi::Number>().DoubleValue();
    if (std::isnan(v)) rangeError(std::string("expected a number for ") + name + " but received NaN");
    return v;
  }
  int64_t integer(int i, const char* name, int64_t lo = 0, int64_t hi = INT64_C(1) << 53) const {
    double v = num(i, name);
    if (v != std::floor(v) || v < (double)lo || v > (double)hi)
      rangeError(std::string("expected integer in [") + std::to_string(lo) + ", " + std::to_string(hi) + "] for " +
                 name + " but received " + std::to_string(v));
    return (int64_t)v;
  }
  bool flag(int i, const char* name) const {
    if (info.Length() <= (size_t)i) typeError(std::string("expected boolean for ") + name);
    if (info[i].IsBoolean()) return info[i].As<Napi::Boolean>().Value();
    return integer(i, name, 0, 1) != 0;
  }
};

// Kernel status to exception: SS_ERR_ARG means the addon's own checks missed something.
inline void check(const Args& a, int status) {
  if (status != 0) a.rangeError("kernel rejected its arguments (status " + std::to_string(status) + ")");
}

void registerMath(Napi::Env env, Napi::Object exports);
void registerConv(Napi::Env env, Napi::Object exports);
void registerNorm(Napi::Env env, Napi::Object exports);
void registerRuntime(Napi::Env env, Napi::Object exports);
void registerPretext(Napi::Env env, Napi::Object exports);
void registerAugment(Napi::Env env, Napi::Object exports);
void registerMallocTuning(Napi::Env env, Napi::Object exports);

}  // namespace selfsup
