// Matrix product and the linear layer, over the native packed GEMM. Backward: dA = dC·Bᵀ, dB = Aᵀ·dC,
// with the transposes absorbed by the GEMM's packing (no transposed copies).
import { native } from '../native/loader.js';
import { attach, accumulateGrad, needsGrad, Tensor } from '../tensor/tensor.js';
import { gradBuffer } from '../tensor/pool.js';
import { outOfRange } from '../validate.js';
import { checkRank } from './shape.js';
import { emptyFloat32 } from '../tensor/storage.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkRank('a', a, [2]);
  checkRank('b', b, [2]);
  const [M, K] = a.shape, [K2, N] = b.shape;
  if (K !== K2) throw outOfRange('b', `a matrix with ${K} rows to match a's [${M}, ${K}]`, `shape [${K2}, ${N}]`);
  const y = emptyFloat32(M * N);
  const nb = native();
  nb.gemm(0, 0, M, N, K, 1, a.data, K, b.data, N, 0, y, N);
  return attach(new Tensor(y, [M, N]), 'matmul', [a, b], (g) => {
    if (needsGrad(a)) {
      const ga = gradBuffer(M * K);
      nb.gemm(0, 1, M, K, N, 1, g, N, b.data, N, 0, ga, K);
      accumulateGrad(a, ga);
    }
    if (needsGrad(b)) {
      const gb = new Float32Array(K * N);
      nb.gemm(1, 0, K, N, M, 1, a.data, K, g, N, 0, gb, N);
      accumulateGrad(b, gb);
    }
  });
}

// y = x·Wᵀ + b with x (N, in), W (out, in) as PyTorch's nn.Linear.
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  checkRank('x', x, [2]);
  checkRank('w', w, [2]);
  const [N, I] = x.shape, [O, I2] = w.shape;
  if (I !== I2) throw outOfRange('x', `shape [N, ${I2}] to match weight [${O}, ${I2}]`, `shape [${N}, ${I}]`);
  if (b !== null) {
    checkRank('b', b, [1]);
    if (b.shape[0] !== O) throw outOfRange('b', `shape [${O}]`, `shape [${b.shape.join(', ')}]`);
  }
  const nb = native();
  const y = emptyFloat32(N * O);
  if (b) for (let n = 0; n < N; n++) y.set(b.data, n * O);
  nb.gemm(0, 1, N, O, I, 1, x.data, I, w.data, I, b ? 1 : 0, y, O);
  const parents = b ? [x, w, b] : [x, w];
  return attach(new Tensor(y, [N, O]), 'linear', parents, (g) => {
    if (needsGrad(x)) {
      const gx = gradBuffer(N * I);
      nb.gemm(0, 0, N, I, O, 1, g, O, w.data, I, 0, gx, I);
      accumulateGrad(x, gx);
    }
    if (needsGrad(w)) {
      const gw = new Float32Array(O * I);
      nb.gemm(1, 0, O, I, N, 1, g, O, x.data, I, 0, gw, I);
      accumulateGrad(w, gw);
    }
    if (b && needsGrad(b)) {
      const gb = new Float32Array(O);
      nb.reduceChannels(gb, g, N, O, 1, false);
      accumulateGrad(b, gb);
    }
  });
}
