// End-to-end against PyTorch: the conv–BN–ReLU–pool–conv–BN–ReLU–avgpool–linear network of
// test/reference/generate_fixtures.py, built with nn layers, loaded from the PyTorch state dict
// (network_init.safetensors, torch names and shapes); forward logits, loss, every parameter
// gradient and the BN running statistics must match within 1e-4 relative.
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nn from '../../lib/nn/index.js';
import { crossEntropy } from '../../lib/ops/loss.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { loadModule, saveModule } from '../../lib/io/state.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { expectClose, fixture, fixturesDir, relL2 } from '../helpers.js';

function build(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { stride: 2, padding: 1, bias: false }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.AvgPool2d(2),
    new nn.Flatten(), new nn.Linear(144, 10),
  );
}

describe('network vs PyTorch', () => {
  it('loads the torch state dict and matches logits, loss, gradients and buffers', () => {
    const net = build();
    loadModule(net, path.join(fixturesDir, 'network_init.safetensors'));
    const f = fixture('network');
    for (const [name, p] of net.namedParameters()) expectClose(p.data, f.f32(`param.${name}`), 0, 0, `loaded ${name}`);
    const x = new Tensor(f.f32('x'), f.shape('x'));
    const logits = net.forward(x);
    expectClose(logits.data, f.f32('logits'), 1e-4, 1e-5, 'logits');
    const loss = crossEntropy(logits, f.i32('targets'));
    expect(Math.abs(loss.item() - f.f32('loss')[0]) / f.f32('loss')[0]).toBeLessThan(1e-4);
    loss.backward();
    for (const [name, p] of net.namedParameters()) {
      const ref = f.f32(`grad.${name}`);
      const scale = Math.max(...Array.from(ref, Math.abs));
      if (scale < 1e-5) {
        // A conv bias followed by batch norm has an exact gradient of zero (BN removes the mean):
        // both sides hold only rounding noise, so the check is that ours is noise-sized too.
        expect(Math.max(...Array.from(p.grad!, Math.abs)), `grad ${name}`).toBeLessThan(1e-5);
        continue;
      }
      expect(relL2(p.grad!, ref), `grad ${name}`).toBeLessThan(1e-4);
      expectClose(p.grad!, ref, 1e-3, 1e-5 * scale, `grad ${name}`);
    }
    for (const [name, b] of net.namedBuffers()) {
      const ref = f.t.get(`buffer.${name}`)!;
      if (b instanceof Tensor) expectClose(b.data, ref.data as Float32Array, 1e-5, 1e-6, name);
      else expect(b.value).toBe(Number((ref.data as Int32Array)[0]));
    }
  });

  it('state dict keys and shapes are exactly PyTorch\'s, and a save/load round trip is lossless', () => {
    const net = build();
    const torch = loadSafetensors(path.join(fixturesDir, 'network_init.safetensors')).tensors;
    const ours = net.stateDict();
    expect([...ours.keys()]).toEqual([...torch.keys()]);
    for (const [k, v] of ours) if (v instanceof Tensor) expect(v.shape).toEqual(torch.get(k)!.shape);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-'));
    const file = path.join(dir, 'net.safetensors');
    saveModule(net, file, { note: 'round trip' });
    const saved = loadSafetensors(file);
    expect(saved.metadata.note).toBe('round trip');
    expect(saved.tensors.get('1.num_batches_tracked')!.dtype).toBe('I64');
    const other = build();
    const meta = loadModule(other, file);
    expect(meta.note).toBe('round trip');
    for (const [[k, a], [, b]] of net.namedParameters().map((e, i) => [e, other.namedParameters()[i]] as const))
      expectClose(b.data, a.data, 0, 0, k);
    expect(fs.readdirSync(dir)).toEqual(['net.safetensors']); // no temp files left behind
    fs.rmSync(dir, { recursive: true });
  });
});
