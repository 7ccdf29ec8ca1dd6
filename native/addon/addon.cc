// Node-API entry point: the only translation units that include napi.h live in this folder. The
// addon is context-aware (no per-environment globals besides the process-wide thread pool), so it
// loads in worker_threads.
#include "args.h"

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  selfsup::registerMath(env, exports);
  selfsup::registerConv(env, exports);
  selfsup::registerNorm(env, exports);
  selfsup::registerPretext(env, exports);
  selfsup::registerAugment(env, exports);
  selfsup::registerRuntime(env, exports);
  selfsup::registerMallocTuning(env, exports);
  return exports;
}

NODE_API_MODULE(selfsup, Init)
