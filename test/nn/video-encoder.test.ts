// VideoEncoder: shapes through the default 3-stage net, the spec's defaults and checks, and the
// transfer path: a plain clip gives exactly the features of the clip with an all-ones mask.
import { describe, expect, it } from 'vitest';
import { VideoEncoder } from '../../lib/nn/video-encoder.js';
import { manualSeed } from '../../lib/random.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { caught, randomTensor } from '../helpers.js';

describe('VideoEncoder', () => {
  it('pools (N, C, T, H, W) to (N, 64) by default; the feature map keeps T and quarters H, W', () => {
    manualSeed(0);
    const enc = new VideoEncoder({ inChannels: 1 }).eval();
    expect(enc.spec).toEqual({ inChannels: 1, widths: [16, 32, 64], strides: [[1, 2, 2], [1, 2, 2], [1, 1, 1]], visibilityMask: false });
    expect(enc.totalStride).toEqual([1, 4, 4]);
    const x = randomTensor([2, 1, 5, 16, 12], 3);
    expect(enc.forward(x).shape).toEqual([2, 64]);
    expect(enc.featureMap(x).shape).toEqual([2, 64, 5, 4, 3]);
    expect(enc.stateDict().has('net.0.weight')).toBe(true);
    expect((enc.stateDict().get('net.0.weight') as Tensor).shape).toEqual([16, 1, 3, 3, 3]);
  });

  it('with a visibility mask, a plain clip reads as the clip with every frame visible', () => {
    manualSeed(1);
    const enc = new VideoEncoder({ inChannels: 1, visibilityMask: true, widths: [4, 8] }).eval();
    expect(enc.spec.strides).toEqual([[1, 2, 2], [1, 1, 1]]);
    expect(enc.convInChannels).toBe(2);
    const clip = randomTensor([3, 1, 4, 8, 8], 5);
    const withMask = new Float32Array(3 * 2 * 4 * 64);
    for (let n = 0; n < 3; n++) {
      withMask.set(clip.data.subarray(n * 256, (n + 1) * 256), n * 512);
      withMask.fill(1, n * 512 + 256, (n + 1) * 512);
    }
    expect(enc.forward(clip).data).toEqual(enc.forward(new Tensor(withMask, [3, 2, 4, 8, 8])).data);
    // Gradients flow back through the appended mask to the clip.
    enc.train();
    const x = randomTensor([2, 1, 4, 8, 8], 6, true);
    const y = enc.forward(x);
    y.backward(new Float32Array(y.size).fill(1));
    expect(x.grad!.some((v) => v !== 0)).toBe(true);
  });

  it('names bad specs and inputs', () => {
    expect(caught(() => new VideoEncoder({ inChannels: 0 })).message).toMatch(/spec\.inChannels/);
    expect(caught(() => new VideoEncoder({ inChannels: 1, widths: [] })).message).toMatch(/spec\.widths/);
    expect(caught(() => new VideoEncoder({ inChannels: 1, widths: [4, 4], strides: [[1, 2, 2]] })).message).toMatch(/2 \[time, height, width\] strides/);
    expect(caught(() => new VideoEncoder({ inChannels: 1, widths: [4], strides: [[1, 2]] as never })).message).toMatch(/spec\.strides\[0\]/);
    expect(caught(() => new VideoEncoder({ inChannels: 1, widths: [4], strides: [[1, 2, 9]] })).message).toMatch(/spec\.strides\[0\]\[2\]/);
    expect(caught(() => new VideoEncoder({ inChannels: 1, visibilityMask: 1 as never })).message).toMatch(/spec\.visibilityMask/);
    expect(caught(() => new VideoEncoder({ inChannels: 1, width: [4] } as never)).message).toMatch(/Unknown option "width"/);
    const enc = new VideoEncoder({ inChannels: 1, visibilityMask: true, widths: [4] });
    expect(caught(() => enc.forward(randomTensor([2, 1, 8, 8]))).message).toMatch(/\(N, C, T, H, W\) with 1 channel .* or 2/);
    expect(caught(() => enc.forward(randomTensor([2, 3, 2, 8, 8]))).message).toMatch(/shape \[2, 3, 2, 8, 8\]/);
  });
});
