// Exponential moving average of a module's parameters into a target copy (BYOL's target network),
// on the native kernel. Buffers (batch-norm statistics) are copied, as BYOL's reference does.
import { native } from '../native/loader.js';
import { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, outOfRange } from '../validate.js';

export function emaUpdate(target: Module, online: Module, tau: number): void {
  checkNumber('tau', tau, 0, 1);
  const tp = target.namedParameters(), op = online.namedParameters();
  if (tp.length !== op.length) throw outOfRange('target', `a module with ${op.length} parameters like online`, tp.length);
  const nb = native();
  tp.forEach(([name, t], i) => {
    const [oname, o] = op[i];
    if (name !== oname || t.size !== o.size) throw outOfRange('target', `parameter ${oname} of ${o.size} elements`, `${name} of ${t.size}`);
    nb.emaUpdate(t.data, o.data, tau);
  });
  const tb = target.namedBuffers(), ob = new Map(online.namedBuffers());
  for (const [name, b] of tb) {
    const src = ob.get(name);
    if (!src) continue;
    if (b instanceof Tensor && src instanceof Tensor) b.data.set(src.data);
    else if (!(b instanceof Tensor) && !(src instanceof Tensor)) b.value = src.value;
  }
}
