// Runtime bindings: ISA report and override, thread count, build facts.
#include <string>

#include "args.h"
#include "selfsup/kernels.h"

namespace selfsup {
namespace {

Napi::Value IsaInfo(const Napi::CallbackInfo& info) {
  auto o = Napi::Object::New(info.Env());
  o.Set("detected", ss_isa_name(ss_isa_detected()));
  o.Set("active", ss_isa_name(ss_isa_active()));
  return o;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Args a{info, "setIsa"};
  if (info.Length() < 1 || !info[0].IsString()) a.typeError("expected string for isa");
  std::string s = info[0].As<Napi::String>();
  ss_isa isa = s == "scalar" ? SS_ISA_SCALAR : s == "avx2" ? SS_ISA_AVX2 : s == "avx512" ? SS_ISA_AVX512 : (ss_isa)-1;
  if ((int)isa < 0) a.rangeError("expected one of scalar, avx2, avx512 for isa but received " + s);
  return Napi::Boolean::New(info.Env(), ss_isa_set(isa) != 0);
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  Args a{info, "setNumThreads"};
  ss_set_num_threads((int)a.integer(0, "threads", 1, 1024));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ss_get_num_threads());
}

}  // namespace

void registerRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("isaInfo", Napi::Function::New(env, IsaInfo));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("backend", Napi::String::New(env, "cpu"));
#if defined(__clang__)
  exports.Set("compiler", Napi::String::New(env, "clang " __clang_version__));
#elif defined(__GNUC__)
  exports.Set("compiler", Napi::String::New(env, "gcc " __VERSION__));
#else
  exports.Set("compiler", Napi::String::New(env, "unknown"));
#endif
}

}  // namespace selfsup
