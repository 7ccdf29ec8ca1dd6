// Runtime ISA detection: CPUID for the instruction sets plus XGETBV for the OS saving the
// YMM/ZMM state (as MLAS does; CPUID alone would claim AVX-512 under an OS that does not).
// SELFSUP_ISA=scalar|avx2|avx512 forces a path (lower than or equal to what is detected).
#include "dispatch.h"

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <intrin.h>
static void cpuid(int leaf, int sub, unsigned r[4]) {
  int t[4];
  __cpuidex(t, leaf, sub);
  for (int i = 0; i < 4; i++) r[i] = (unsigned)t[i];
}
static unsigned long long xgetbv0() { return _xgetbv(0); }
#else
#include <cpuid.h>
static void cpuid(int leaf, int sub, unsigned r[4]) { __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]); }
static unsigned long long xgetbv0() {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}
#endif

static ss_isa detect() {
  unsigned r[4];
  cpuid(0, 0, r);
  unsigned maxLeaf = r[0];
  cpuid(1, 0, r);
  bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1, fma = (r[2] >> 12) & 1;
  if (!osxsave || !avx || maxLeaf < 7) return SS_ISA_SCALAR;
  unsigned long long xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return SS_ISA_SCALAR;  // XMM and YMM state
  cpuid(7, 0, r);
  bool avx2 = (r[1] >> 5) & 1;
  bool avx512f = (r[1] >> 16) & 1, avx512dq = (r[1] >> 17) & 1, avx512bw = (r[1] >> 30) & 1,
       avx512vl = (r[1] >> 31) & 1;
  bool zmmState = (xcr0 & 0xE0) == 0xE0;  // opmask, ZMM_Hi256, Hi16_ZMM
  if (avx512f && avx512dq && avx512bw && avx512vl && zmmState && fma) return SS_ISA_AVX512;
  if (avx2 && fma) return SS_ISA_AVX2;
  return SS_ISA_SCALAR;
}
#else
static ss_isa detect() { return SS_ISA_SCALAR; }
#endif

namespace selfsup {

static ss_isa g_detected = detect();
static ss_isa g_active = [] {
  ss_isa isa = g_detected;
  if (const char* env = std::getenv("SELFSUP_ISA")) {
    ss_isa want = isa;
    if (!std::strcmp(env, "scalar")) want = SS_ISA_SCALAR;
    else if (!std::strcmp(env, "avx2")) want = SS_ISA_AVX2;
    else if (!std::strcmp(env, "avx512")) want = SS_ISA_AVX512;
    if (want <= g_detected) isa = want;
  }
  return isa;
}();

ss_isa activeIsa() { return g_active; }

}  // namespace selfsup

extern "C" {
ss_isa ss_isa_detected(void) { return selfsup::g_detected; }
ss_isa ss_isa_active(void) { return selfsup::g_active; }
int ss_isa_set(ss_isa isa) {
  if (isa < SS_ISA_SCALAR || isa > selfsup::g_detected) return 0;
  selfsup::g_active = isa;
  return 1;
}
const char* ss_isa_name(ss_isa isa) {
  switch (isa) {
    case SS_ISA_AVX512: return "avx512";
    case SS_ISA_AVX2: return "avx2";
    default: return "scalar";
  }
}
}
