// selfsup_cuda.node: the CUDA backend's Node-API entry point, a separate addon from the CPU one
// (the CPU addon never links CUDA; lib/native/cuda.ts loads this one on demand). For now it
// answers whether CUDA can run here and why not (no driver, no device), describes the devices,
// and reports the caching allocator's memory; the kernels behind it are checked by
// native/cuda-check until the TypeScript device tensors use them.
#include <napi.h>

#include "selfsup/kernels_cuda.h"

namespace {

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int devices = 0;
  char msg[256] = "";
  const ss_cuda_availability a = ss_cuda_probe(&devices, msg, sizeof msg);
  Napi::Object out = Napi::Object::New(env);
  const char* status = a == SS_CUDA_OK ? "ok" : a == SS_CUDA_NO_DRIVER ? "no-driver" : a == SS_CUDA_NO_DEVICE ? "no-device" : "error";
  out.Set("status", status);
  out.Set("message", msg);
  Napi::Array list = Napi::Array::New(env);
  for (int i = 0; a == SS_CUDA_OK && i < devices; i++) {
    char name[256] = "";
    size_t mem = 0;
    int major = 0, minor = 0;
    if (ss_cuda_device_info(i, name, sizeof name, &mem, &major, &minor) != SS_OK) continue;
    Napi::Object d = Napi::Object::New(env);
    d.Set("index", i);
    d.Set("name", name);
    d.Set("memoryBytes", (double)mem);
    d.Set("computeCapability", std::to_string(major) + "." + std::to_string(minor));
    list.Set(list.Length(), d);
  }
  out.Set("devices", list);
  return out;
}

Napi::Value MemoryStats(const Napi::CallbackInfo& info) {
  size_t allocated = 0, cached = 0;
  ss_cuda_memory_stats(&allocated, &cached);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("allocatedBytes", (double)allocated);
  out.Set("cachedBytes", (double)cached);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("memoryStats", Napi::Function::New(env, MemoryStats));
  exports.Set("backend", "cuda");
  return exports;
}

}  // namespace

NODE_API_MODULE(selfsup_cuda, Init)
