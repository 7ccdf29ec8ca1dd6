// glibc malloc tuning, applied once per process when the addon loads. Tensors of a few MB to
// 32 MB are allocated and freed every training step; by default glibc serves them with fresh
// mmap()s and returns them on free, so every step faults all of that memory in again (measured:
// ~17,000 page faults and 5-10% of a small CNN's training step). Keeping them in the heap
// (mmap threshold 32 MB, trim threshold 512 MB) lets freed blocks be reused, which is what
// PyTorch users get by preloading tcmalloc or jemalloc. SELFSUP_MALLOC_TUNING=0 leaves malloc alone.
#include <cstdlib>
#include <cstring>

#include "args.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace selfsup {

static bool applyMallocTuning() {
#if defined(__GLIBC__)
  const char* env = std::getenv("SELFSUP_MALLOC_TUNING");
  if (env && !std::strcmp(env, "0")) return false;
  bool ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  ok = mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024) == 1 && ok;
  return ok;
#else
  return false;
#endif
}

void registerMallocTuning(Napi::Env env, Napi::Object exports) {
  static const bool applied = applyMallocTuning();
  exports.Set("mallocTuned", Napi::Boolean::New(env, applied));
}

}  // namespace selfsup
