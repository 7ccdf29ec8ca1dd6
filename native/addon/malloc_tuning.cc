// glibc malloc tuning, applied once per process when the addon loads. A training step allocates
// and frees the same large tensors every step; by default glibc serves every block above its mmap
// threshold (at most 32 MB: a 512-image activation is ~50 MB) with a fresh mmap() and unmaps it
// on free, so every step faults all of that memory in again and the kernel zeroes it page by page
// (measured: page faults and page clearing were 35-40% of the SimCLR step, 350 ms -> 175 ms
// without them). Serving large blocks from the heap instead (no mmap; trim threshold 512 MB) lets
// freed blocks be reused, which is what PyTorch users get by preloading tcmalloc or jemalloc.
// glibc still falls back to mmap where the heap cannot grow. SELFSUP_MALLOC_TUNING=0 leaves
// malloc alone.
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
  bool ok = mallopt(M_MMAP_MAX, 0) == 1;
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
