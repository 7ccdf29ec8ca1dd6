{
  # CPU addon. Baseline code is built for plain x86-64; only the per-ISA static libraries get
  # -mavx2/-mavx512f, and their kernels are called only after CPUID+XGETBV say the CPU can run
  # them. Never -march=native. Source lists come from native/sources.cjs (CMakeLists.txt globs the
  # same folders).
  "variables": {
    "isa_common_flags": ["-fPIC", "-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math"],
  },
  "targets": [
    {
      "target_name": "selfsup_avx2",
      "type": "static_library",
      "sources": ["<!@(node native/sources.cjs avx2)"],
      "include_dirs": ["native/include"],
      "cflags_cc": ["<@(isa_common_flags)", "-mavx2", "-mfma"],
      "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"]},
      "msvs_settings": {"VCCLCompilerTool": {"EnableEnhancedInstructionSet": "5"}},
    },
    {
      "target_name": "selfsup_avx512",
      "type": "static_library",
      "sources": ["<!@(node native/sources.cjs avx512)"],
      "include_dirs": ["native/include"],
      "cflags_cc": ["<@(isa_common_flags)", "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mfma"],
      "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mfma"]},
      "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/arch:AVX512"]}},
    },
    {
      "target_name": "selfsup",
      "dependencies": ["selfsup_avx2", "selfsup_avx512"],
      "sources": ["<!@(node native/sources.cjs base)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/include"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-fno-trapping-math", "-fvisibility=hidden"],
      "ldflags": ["-pthread"],
      "xcode_settings": {"GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17"},
      "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1}},
    },
  ],
}
