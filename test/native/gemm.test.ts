// Packed GEMM (every ISA path) against the reference triple loop, on shapes that are not multiples
// of any micro-tile, with all transposes, alpha/beta, leading dimensions and thread counts.
import { describe, it } from 'vitest';
import { native } from '../../lib/native/loader.js';
import { expectClose, forEachIsa, randomArray } from '../helpers.js';

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 37, 5], [9, 1, 300], [7, 13, 5], [33, 70, 300], [65, 33, 17], [8, 32, 257], [130, 97, 513],
];

describe('gemm', () => {
  it('matches the reference for every ISA, transpose, alpha and beta', () => {
    const nb = native();
    forEachIsa((isa) => {
      for (const [M, N, K] of shapes)
        for (const ta of [0, 1])
          for (const tb of [0, 1])
            for (const [alpha, beta] of [[1, 0], [0.5, 1], [-1.5, 0.25]]) {
              const lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
              const A = randomArray((ta ? K : M) * lda, M + 1), B = randomArray((tb ? N : K) * ldb, N + 2);
              const C = randomArray(M * ldc, K + 3), Cref = C.slice();
              nb.gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
              nb.ref.gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, Cref, ldc);
              expectClose(C, Cref, 1e-4, 2e-5 * Math.sqrt(K), `${isa} M${M} N${N} K${K} ta${ta} tb${tb} a${alpha} b${beta}`);
            }
    });
  });

  it('gives identical results at 1 and 2 threads', () => {
    const nb = native();
    const T = nb.getNumThreads();
    const [M, N, K] = [200, 300, 150];
    const A = randomArray(M * K, 3), B = randomArray(K * N, 4);
    const C1 = new Float32Array(M * N), C2 = new Float32Array(M * N);
    nb.setNumThreads(1);
    nb.gemm(0, 0, M, N, K, 1, A, K, B, N, 0, C1, N);
    nb.setNumThreads(2);
    nb.gemm(0, 0, M, N, K, 1, A, K, B, N, 0, C2, N);
    nb.setNumThreads(T);
    expectClose(C2, C1, 0, 0, 'threads');
  });

  it('respects byteOffset of subarray views', () => {
    const nb = native();
    const big = randomArray(1000, 9);
    const A = big.subarray(7, 7 + 12), B = big.subarray(100, 100 + 12), C = new Float32Array(9), Cref = new Float32Array(9);
    nb.gemm(0, 0, 3, 3, 4, 1, A, 4, B, 3, 0, C, 3);
    nb.ref.gemm(0, 0, 3, 3, 4, 1, A.slice(), 4, B.slice(), 3, 0, Cref, 3);
    expectClose(C, Cref, 1e-6, 1e-6, 'subarray');
  });
});
