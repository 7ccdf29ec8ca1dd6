// A state dict saved by selfsup loads into the equivalent torch module with load_state_dict
// (strict) and gives the same outputs. Needs Debian's python3-torch at /usr/bin/python3; the test
// is skipped, saying so, where it is absent (the committed fixtures cover the other direction).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as nn from '../../lib/nn/index.js';
import { saveModule } from '../../lib/io/state.js';
import { manualSeed } from '../../lib/random.js';
import { noGrad, Tensor } from '../../lib/tensor/tensor.js';
import { saveSafetensors } from '../../lib/io/safetensors.js';

const python = '/usr/bin/python3';
const hasTorch = fs.existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn('python-roundtrip: skipped, /usr/bin/python3 cannot import torch (install python3-torch)');

describe.skipIf(!hasTorch)('state dict round trip into PyTorch', () => {
  it('torch loads our safetensors strictly and reproduces our eval-mode outputs', () => {
    manualSeed(11);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, 3, { stride: 2, bias: false }), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.Flatten(), new nn.Linear(6 * 6 * 6, 5),
    );
    const x = new Tensor(new Float32Array(2 * 784).map((_, i) => Math.sin(i * 0.37)), [2, 1, 28, 28]);
    net.forward(x); // one train-mode pass so the running statistics are not the defaults
    net.eval();
    const y = noGrad(() => net.forward(x));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'selfsup-rt-'));
    saveModule(net, path.join(dir, 'net.safetensors'));
    saveSafetensors(path.join(dir, 'io.safetensors'), new Map([['x', x], ['y', y]]));
    const script = `
import json, struct, sys, torch, torch.nn as nn
def load(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); out = {}
    dt = {'F32': torch.float32, 'I64': torch.int64}
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        out[k] = torch.frombuffer(bytearray(b[8 + n + s:8 + n + e]), dtype=dt[v['dtype']]).reshape(v['shape'])
    return out
net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(4, 6, 3, stride=2, bias=False), nn.BatchNorm2d(6), nn.ReLU(), nn.Flatten(), nn.Linear(216, 5))
net.load_state_dict(load(sys.argv[1] + '/net.safetensors'), strict=True)
net.eval()
io = load(sys.argv[1] + '/io.safetensors')
with torch.no_grad(): y = net(io['x'])
print(json.dumps({'maxdiff': float((y - io['y']).abs().max()), 'scale': float(io['y'].abs().max())}))
`;
    const r = spawnSync(python, ['-c', script, dir], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true });
    expect(r.status, r.stderr).toBe(0);
    const { maxdiff, scale } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(scale).toBeGreaterThan(0);
    expect(maxdiff).toBeLessThan(1e-5 * Math.max(1, scale));
  });
});
