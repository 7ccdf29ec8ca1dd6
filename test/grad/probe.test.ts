import { it } from 'vitest';
import * as ops from '../../lib/ops/index.js';
import { randomTensor } from '../helpers.js';
it('probe', () => {
  for (const order of [0, 1]) {
    const x = randomTensor([2, 3], 3, true);
    const y = ops.reshape(x, [6]); y.retainGrad = true;
    const a = ops.sum(y), b = ops.sum(ops.mulScalar(x, 3));
    const L = order ? ops.add(b, a) : ops.add(a, b);
    L.backward();
    console.log(order, 'y.grad', Array.from(y.grad!), 'x.grad', Array.from(x.grad!), 'alias', y.grad === x.grad);
  }
  // retained intermediate y = mulScalar(x,1) then z = reshape(y)
  const x = randomTensor([2, 3], 3, true);
  const z = ops.reshape(x, [6]); z.retainGrad = true;
  ops.sum(z).backward();
  console.log('single path alias', z.grad === x.grad);
  ops.sum(ops.mulScalar(x, 5)).backward();
  console.log('after 2nd backward z.grad', Array.from(z.grad!), 'x.grad', Array.from(x.grad!));
});
