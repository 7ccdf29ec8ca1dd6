// Jigsaw's permutation set (Noroozi & Favaro 2016, algorithm 1): P permutations of the 9 tiles
// chosen greedily so that each new one has the largest minimum Hamming distance to those already
// chosen; the larger the distances, the less the classes resemble each other and the less a network
// can solve the task from a few tiles. The first permutation is the identity and ties go to the
// lexicographically first candidate, so the set is a pure function of P (no seed, nothing to save).
import { checkInt, outOfRange } from '../validate.js';

const TILES = 9;
const ALL = 362_880; // 9!
let table: Uint8Array | null = null;

// All 9! permutations in lexicographic order, 9 bytes each.
function allPermutations(): Uint8Array {
  if (table) return table;
  const out = new Uint8Array(ALL * TILES);
  const p = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  for (let k = 0; k < ALL; k++) {
    out.set(p, k * TILES);
    // next lexicographic permutation
    let i = TILES - 2;
    while (i >= 0 && p[i] > p[i + 1]) i--;
    if (i < 0) break;
    let j = TILES - 1;
    while (p[j] < p[i]) j--;
    [p[i], p[j]] = [p[j], p[i]];
    for (let a = i + 1, b = TILES - 1; a < b; a++, b--) [p[a], p[b]] = [p[b], p[a]];
  }
  table = out;
  return out;
}

const cache = new Map<number, Int32Array>();

// P permutations as (P, 9) int32 row-major: row k lists, for output tile t, the grid cell it shows.
export function jigsawPermutations(count = 100): Int32Array {
  const P = checkInt('count', count, 2);
  if (P > ALL) throw outOfRange('count', `at most ${ALL} permutations of 9 tiles`, count);
  const hit = cache.get(P);
  if (hit) return hit;
  const all = allPermutations();
  const minDist = new Uint8Array(ALL).fill(255);
  const chosen = new Int32Array(P * TILES);
  let pick = 0; // identity
  for (let c = 0; c < P; c++) {
    const base = pick * TILES;
    for (let t = 0; t < TILES; t++) chosen[c * TILES + t] = all[base + t];
    minDist[pick] = 0;
    let best = -1, bestDist = -1;
    for (let k = 0; k < ALL; k++) {
      let m = minDist[k];
      if (m === 0) continue;
      let d = 0;
      const o = k * TILES;
      for (let t = 0; t < TILES; t++) d += all[o + t] !== all[base + t] ? 1 : 0;
      if (d < m) minDist[k] = m = d;
      if (m > bestDist) { bestDist = m; best = k; }
    }
    pick = best;
  }
  cache.set(P, chosen);
  return chosen;
}

// Minimum Hamming distance between any two of the permutations (reported next to P).
export function minimumHammingDistance(perms: Int32Array): number {
  const P = perms.length / TILES;
  let min = TILES;
  for (let a = 0; a < P; a++)
    for (let b = a + 1; b < P; b++) {
      let d = 0;
      for (let t = 0; t < TILES; t++) d += perms[a * TILES + t] !== perms[b * TILES + t] ? 1 : 0;
      if (d < min) min = d;
    }
  return min;
}
