// Multinomial logistic regression (softmax regression) on a fixed feature matrix: the model of the
// linear probe. Objective, with N rows, weights W (C × F) and bias b (C):
//
//   L(W, b) = (1/N) Σ_n CE(softmax(W x_n + b), y_n) + (wd / 2) ‖W‖²
//
// The bias is not decayed (decaying it would shift the class priors; the usual convention, and
// scikit-learn's). The data term runs on the native kernels in float32: logits by the packed GEMM,
// the fused softmax cross-entropy for the mean loss and dL/dlogits, and dW = dlogitsᵀ X by a second
// GEMM — the same path the training loop uses, so no separate float64 trainer has to be trusted.
// The parameter vector handed to L-BFGS is θ = [W row-major | b].
import { native } from '../native/loader.js';
import { argmaxRows } from './check.js';
import { LbfgsOptions, LbfgsResult, minimizeLbfgs } from './lbfgs.js';

export interface SoftmaxRegression {
  weight: Float32Array; // C × F
  bias: Float32Array;   // C
  numClasses: number;
  dim: number;
}

// Objective (value and gradient into `grad`) of the problem above on x (rows × dim) and labels y.
export function softmaxRegressionObjective(x: Float32Array, y: Int32Array, dim: number, numClasses: number, wd: number):
  (theta: Float64Array, grad: Float64Array) => number {
  const nb = native();
  const N = y.length, F = dim, C = numClasses, CF = C * F;
  const w = new Float32Array(CF), logits = new Float32Array(N * C), dlogits = new Float32Array(N * C), dw = new Float32Array(CF);
  return (theta, grad) => {
    for (let i = 0; i < CF; i++) w[i] = theta[i];
    for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) logits[r * C + c] = theta[CF + c];
    nb.gemm(0, 1, N, C, F, 1, x, F, w, F, 1, logits, C);
    let loss = nb.softmaxCrossEntropy(dlogits, logits, y, N, C, 0, -1); // dlogits already / N
    nb.gemm(1, 0, C, F, N, 1, dlogits, C, x, F, 0, dw, F);
    let reg = 0;
    for (let i = 0; i < CF; i++) {
      reg += theta[i] * theta[i];
      grad[i] = dw[i] + wd * theta[i];
    }
    loss += 0.5 * wd * reg;
    for (let c = 0; c < C; c++) grad[CF + c] = 0;
    for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) grad[CF + c] += dlogits[r * C + c];
    return loss;
  };
}

// Fits from θ = 0, or from `init` (a warm start: the problem is strictly convex in W for wd > 0
// and convex in b, so the start changes the iterations, not the optimum).
export function fitSoftmaxRegression(x: Float32Array, y: Int32Array, dim: number, numClasses: number, wd: number,
  opts: LbfgsOptions = {}, init?: SoftmaxRegression): SoftmaxRegression & { fit: Omit<LbfgsResult, 'x'> } {
  const fg = softmaxRegressionObjective(x, y, dim, numClasses, wd);
  const CF = numClasses * dim;
  const theta0 = new Float64Array(CF + numClasses);
  if (init) {
    theta0.set(init.weight);
    theta0.set(init.bias, CF);
  }
  const res = minimizeLbfgs(fg, theta0, opts);
  const { x: theta, ...fit } = res;
  return { weight: Float32Array.from(theta.subarray(0, CF)), bias: Float32Array.from(theta.subarray(CF)), numClasses, dim, fit };
}

export function softmaxRegressionLogits(model: SoftmaxRegression, x: Float32Array, rows: number): Float32Array {
  const { weight, bias, numClasses: C, dim: F } = model;
  const logits = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) logits.set(bias, r * C);
  native().gemm(0, 1, rows, C, F, 1, x, F, weight, F, 1, logits, C);
  return logits;
}

export function softmaxRegressionPredict(model: SoftmaxRegression, x: Float32Array, rows: number): Int32Array {
  return argmaxRows(softmaxRegressionLogits(model, x, rows), rows, model.numClasses);
}

// Mean cross-entropy of the model on (x, y), no regularisation: the held-out tie-breaker.
export function softmaxRegressionLoss(model: SoftmaxRegression, x: Float32Array, y: Int32Array): number {
  return native().softmaxCrossEntropy(null, softmaxRegressionLogits(model, x, y.length), y, y.length, model.numClasses, 0, -1);
}
