// Patch sampling for the spatial-context pretext tasks, uint8 (N, C, H, W) in, float patches out.
//   relative position (Doersch et al. 2015): per image a 3x3 grid of P x P patches with a gap G
//     between them, placed at a random origin, each patch moved by its own jitter in [-J, J];
//     out (N, 2, C, P, P) = [centre, neighbour k], label k in 0..7 (grid cells in row order, the
//     centre skipped).
//   jigsaw (Noroozi & Favaro 2016): the same grid's 9 tiles, out (N, 9, C, P, P) with tile t taken
//     from grid cell perms[label * 9 + t]; label uniform in [0, numPerms).
// Each patch is normalized on its own (per channel: zero mean, unit std, std floored at 1/255) so
// brightness differences between neighbours are no cue. Against chromatic aberration (a cue to the
// position in the lens, not the content), colour patches can get `aberration`:
//   1 = channel dropping: keep one random channel, replace the others with Gaussian noise of std
//       0.01 (1/100 of the kept channel's normalized std, as Doersch et al.);
//   2 = gray: every channel is the patch's normalized luminance.
// Sample n draws from Philox counters [offset + n * patchCounters(C, P)): 64 for the geometry and
// the label, then one per noise value. `record` (SS_PATCH_RECORD floats per sample) gets label,
// origin x, y and per output patch its x, y and kept channel (-1 when all are kept), so
// test/native/patch-sample.test.ts recomputes every pixel with a TypeScript reference.
// rotate90Batch: out (4N, C, S, S), sample 4n + r = torch.rot90(x[n], r, dims=(H, W)).
#include <cmath>
#include <cstring>

#include "../../core/rng.h"
#include "../../core/threadpool.h"
#include "selfsup/kernels.h"

using namespace selfsup;

namespace {

constexpr int kGeometryDraws = 64;

int64_t counterStride(int C, int P) { return kGeometryDraws + 9LL * C * P * P; }

int uniformInt(uint64_t seed, uint64_t counter, int lo, int hi) {  // inclusive range
  int v = lo + (int)(rngUniform01(seed, counter) * (float)(hi - lo + 1));
  return v > hi ? hi : v;
}

struct Grid {
  int x[9], y[9];
};

// Geometry draws: 0-1 origin, 2-19 jitter (x, y per cell), 20 label, 21-29 kept channel per output.
Grid drawGrid(uint64_t seed, uint64_t base, int H, int W, int P, int G, int J, float* rec) {
  const int span = 3 * P + 2 * G;
  const int ox = uniformInt(seed, base, J, W - span - J), oy = uniformInt(seed, base + 1, J, H - span - J);
  Grid g;
  for (int cell = 0; cell < 9; cell++) {
    const int r = cell / 3, c = cell % 3;
    g.x[cell] = ox + c * (P + G) + uniformInt(seed, base + 2 + 2 * cell, -J, J);
    g.y[cell] = oy + r * (P + G) + uniformInt(seed, base + 3 + 2 * cell, -J, J);
  }
  if (rec) { rec[1] = (float)ox; rec[2] = (float)oy; }
  return g;
}

// One normalized patch from image `img` at (x0, y0) into out (C, P, P).
void extractPatch(float* out, const uint8_t* img, int C, int H, int W, int P, int x0, int y0, int aberration,
                  uint64_t seed, uint64_t drawBase, uint64_t noiseBase, float* rec) {
  const int64_t HW = (int64_t)H * W, PP = (int64_t)P * P;
  for (int c = 0; c < C; c++)
    for (int i = 0; i < P; i++) {
      const uint8_t* src = img + c * HW + (int64_t)(y0 + i) * W + x0;
      float* dst = out + c * PP + (int64_t)i * P;
      for (int j = 0; j < P; j++) dst[j] = src[j] * (1.f / 255.f);
    }
  if (C == 3 && aberration == 2)
    for (int64_t p = 0; p < PP; p++) {
      const float v = 0.299f * out[p] + 0.587f * out[PP + p] + 0.114f * out[2 * PP + p];
      out[p] = out[PP + p] = out[2 * PP + p] = v;
    }
  for (int c = 0; c < C; c++) {
    float* ch = out + c * PP;
    double s = 0, ss = 0;
    for (int64_t p = 0; p < PP; p++) s += ch[p];
    const double mean = s / PP;
    for (int64_t p = 0; p < PP; p++) ss += (ch[p] - mean) * (ch[p] - mean);
    const float sd = (float)std::sqrt(ss / PP), inv = 1.f / (sd > 1.f / 255.f ? sd : 1.f / 255.f);
    for (int64_t p = 0; p < PP; p++) ch[p] = (float)(ch[p] - mean) * inv;
  }
  int kept = -1;
  if (C == 3 && aberration == 1) {
    kept = uniformInt(seed, drawBase, 0, 2);
    for (int c = 0; c < C; c++) {
      if (c == kept) continue;
      float* ch = out + c * PP;
      for (int64_t p = 0; p < PP; p++) ch[p] = 0.01f * rngNormal(seed, noiseBase + c * PP + p);
    }
  }
  if (rec) rec[2] = (float)kept;
}

bool gridFits(int H, int W, int P, int G, int J) {
  const int64_t need = 3LL * P + 2LL * G + 2LL * J;
  return P > 0 && G >= 0 && J >= 0 && need <= H && need <= W;
}


// What both tasks do per sample: draw the grid and a label in [0, numLabels), then write k patches,
// patch t from grid cell cellOf(label, t). Draws: label at counter 20, patch t's kept channel at
// 21 + t, its noise from 64 + t * C * P * P.
template <class CellOf>
void sampleGridPatches(float* out, int32_t* labels, float* record, const uint8_t* images, int64_t N, int C, int H,
                       int W, int P, int G, int J, int aberration, uint64_t seed, uint64_t offset, int numLabels,
                       int k, CellOf cellOf) {
  const int64_t per = (int64_t)C * P * P, stride = counterStride(C, P);
  parallelFor(N, [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; n++) {
      const uint64_t base = offset + (uint64_t)n * stride;
      float* rec = record ? record + n * SS_PATCH_RECORD : nullptr;
      if (rec) for (int i = 0; i < SS_PATCH_RECORD; i++) rec[i] = 0.f;
      const Grid g = drawGrid(seed, base, H, W, P, G, J, rec);
      const int label = uniformInt(seed, base + 20, 0, numLabels - 1);
      labels[n] = label;
      if (rec) rec[0] = (float)label;
      const uint8_t* img = images + n * (int64_t)C * H * W;
      for (int t = 0; t < k; t++) {
        const int cell = cellOf(label, t);
        float* r = rec ? rec + 3 + 3 * t : nullptr;
        if (r) { r[0] = (float)g.x[cell]; r[1] = (float)g.y[cell]; }
        extractPatch(out + (n * k + t) * per, img, C, H, W, P, g.x[cell], g.y[cell], aberration, seed, base + 21 + t,
                     base + kGeometryDraws + (uint64_t)t * per, r);
      }
    }
  });
}

}  // namespace

extern "C" int64_t ss_patch_counters_per_sample(int C, int P) { return counterStride(C, P); }

extern "C" ss_status ss_relative_position_patches(float* out, int32_t* labels, float* record, const uint8_t* images,
                                                  int64_t N, int C, int H, int W, int P, int G, int J,
                                                  int aberration, uint64_t seed, uint64_t offset) {
  if (N < 0 || C <= 0 || !gridFits(H, W, P, G, J) || aberration < 0 || aberration > 2) return SS_ERR_ARG;
  // Patch 0 is the centre (cell 4); patch 1 the neighbour `label`, cells in row order without 4.
  sampleGridPatches(out, labels, record, images, N, C, H, W, P, G, J, aberration, seed, offset, 8, 2,
                    [](int label, int t) { return t == 0 ? 4 : label < 4 ? label : label + 1; });
  return SS_OK;
}

extern "C" ss_status ss_jigsaw_tiles(float* out, int32_t* labels, float* record, const uint8_t* images, int64_t N,
                                     int C, int H, int W, int P, int G, int J, const int32_t* perms,
                                     int numPerms, int aberration, uint64_t seed, uint64_t offset) {
  if (N < 0 || C <= 0 || !gridFits(H, W, P, G, J) || numPerms <= 0 || aberration < 0 || aberration > 2)
    return SS_ERR_ARG;
  for (int64_t i = 0; i < 9LL * numPerms; i++)
    if (perms[i] < 0 || perms[i] > 8) return SS_ERR_ARG;
  sampleGridPatches(out, labels, record, images, N, C, H, W, P, G, J, aberration, seed, offset, numPerms, 9,
                    [perms](int label, int t) { return (int)perms[(int64_t)label * 9 + t]; });
  return SS_OK;
}

extern "C" ss_status ss_rotate90_batch(float* out, const float* x, int64_t N, int64_t C, int S) {
  if (N < 0 || C <= 0 || S <= 0) return SS_ERR_ARG;
  const int64_t SS = (int64_t)S * S, per = C * SS;
  parallelFor(N * 4, [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      const int64_t n = q / 4;
      const int r = (int)(q % 4);
      for (int64_t c = 0; c < C; c++) {
        const float* src = x + n * per + c * SS;
        float* dst = out + q * per + c * SS;
        // torch.rot90 with k = r over (H, W): k=1 out[i][j] = x[j][S-1-i]; k=2 x[S-1-i][S-1-j];
        // k=3 x[S-1-j][i]. One loop per turn keeps the inner loop branch-free.
        const int64_t s = S;
        switch (r) {
          case 0: std::memcpy(dst, src, sizeof(float) * SS); break;
          case 1:
            for (int64_t i = 0; i < s; i++)
              for (int64_t j = 0; j < s; j++) dst[i * s + j] = src[j * s + (s - 1 - i)];
            break;
          case 2:
            for (int64_t i = 0; i < s; i++)
              for (int64_t j = 0; j < s; j++) dst[i * s + j] = src[(s - 1 - i) * s + (s - 1 - j)];
            break;
          default:
            for (int64_t i = 0; i < s; i++)
              for (int64_t j = 0; j < s; j++) dst[i * s + j] = src[(s - 1 - j) * s + i];
            break;
        }
      }
    }
  });
  return SS_OK;
}
