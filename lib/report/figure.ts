// Drawing pieces shared by the pretext-task figures (patch-pairs.png, jigsaw.png, rotations.png,
// colorization.png): a white canvas with a title, images put in pixel by pixel at an integer scale
// (nearest neighbour, so no smoothing blurs small images), outlines and text. Like the charts,
// every figure is a pure function of its inputs, so the same run gives the same PNG.
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { ImageSet } from '../data/fashion-mnist.js';
import type { Batch } from '../tasks/task.js';
import { canvasFont } from './chart.js';

// A PNG and what it shows (the caption under it in summary.md).
export interface Figure {
  png: Buffer;
  width: number;
  height: number;
  caption: string;
}

// What the pretext figures take besides the task and the held-out images.
export interface PretextFigureOptions {
  title?: string;  // the figure's title (default: the task's name)
  data?: string;   // where the images come from, for the caption
  seed?: number;   // of the sampling, as evaluate({ seed }); default 0 (fit's default seed)
  count?: number;  // images shown (at most the set's length)
}

export const RIGHT = '#2ca02c';  // PALETTE's green
export const WRONG = '#d62728';  // PALETTE's red
export const TEXT = '#333333';
export const MUTED = '#777777';
export const MARGIN = 16;
export const HEADER = 62;         // title and subtitle above the content

export function figureCanvas(width: number, height: number, title: string, subtitle: string): { canvas: Canvas; ctx: SKRSContext2D } {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  text(ctx, title, MARGIN, MARGIN + 16, { size: 16, bold: true });
  text(ctx, subtitle, MARGIN, MARGIN + 36, { size: 12, colour: MUTED });
  return { canvas, ctx };
}

export function text(ctx: SKRSContext2D, s: string, x: number, y: number,
  o: { size?: number; bold?: boolean; colour?: string; align?: 'left' | 'center' | 'right' } = {}): void {
  ctx.font = canvasFont(o.size ?? 13, o.bold ?? false);
  ctx.fillStyle = o.colour ?? TEXT;
  ctx.textAlign = o.align ?? 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(s, x, y);
}

// A rectangle's outline drawn inside (x, y, w, h) (`inset` > 0) or around it (< 0).
export function outline(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, colour: string,
  o: { width?: number; dash?: number[]; inset?: number } = {}): void {
  const lw = o.width ?? 2, d = (o.inset ?? 0) + lw / 2;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = lw;
  ctx.setLineDash(o.dash ?? []);
  ctx.strokeRect(x + d, y + d, w - 2 * d, h - 2 * d);
  ctx.restore();
}

// Planar (C, H, W) pixel values, `byte(i)` in 0..255 for planar index i, drawn at (x, y) scaled by
// `scale`: one channel as gray, three (or more: the first three) as RGB, two as the first gray.
export function drawPlanes(ctx: SKRSContext2D, byte: (i: number) => number, C: number, H: number, W: number,
  x: number, y: number, scale: number): void {
  const S = H * W, w = W * scale, h = H * scale;
  const img = ctx.createImageData(w, h);
  const px = img.data;
  const rgb = C >= 3 ? [0, S, 2 * S] : [0, 0, 0];
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) {
      const p = i * W + j, r = byte(rgb[0] + p), g = byte(rgb[1] + p), b = byte(rgb[2] + p);
      for (let di = 0; di < scale; di++) {
        let o = ((i * scale + di) * w + j * scale) * 4;
        for (let dj = 0; dj < scale; dj++, o += 4) { px[o] = r; px[o + 1] = g; px[o + 2] = b; px[o + 3] = 255; }
      }
    }
  ctx.putImageData(img, Math.round(x), Math.round(y));
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

// Image n of a uint8 set, as drawPlanes takes it.
export const setPixels = (set: ImageSet, n: number) => {
  const per = set.shape[0] * set.shape[1] * set.shape[2];
  return (i: number) => set.images[n * per + i];
};

// Values in [0, 1] (images as the network sees them, RGB from Lab), clamped.
export const unitPixels = (data: Float32Array, offset: number) => (i: number) => clampByte(data[offset + i] * 255);

// Normalized values (patches and tiles are standardized one by one): each item's own min..max
// stretched over 0..255, so it looks as the network's contrast makes it.
export function minMaxPixels(data: Float32Array, offset: number, count: number): (i: number) => number {
  let lo = Infinity, hi = -Infinity;
  for (let i = offset; i < offset + count; i++) { lo = Math.min(lo, data[i]); hi = Math.max(hi, data[i]); }
  const k = hi > lo ? 255 / (hi - lo) : 0;
  return (i) => clampByte((data[offset + i] - lo) * k);
}

// The first n images of a set as a batch (what evaluate() sees first).
export function firstBatch(set: ImageSet, n: number): Batch {
  const [C, H, W] = set.shape, per = C * H * W;
  return { images: set.images.subarray(0, n * per), shape: [n, C, H, W], indices: Int32Array.from({ length: n }, (_, i) => i), labels: null };
}

// Images `indices` of a set as a batch (a copy).
export function pickBatch(set: ImageSet, indices: ArrayLike<number>): Batch {
  const [C, H, W] = set.shape, per = C * H * W, n = indices.length;
  const images = new Uint8Array(n * per);
  for (let i = 0; i < n; i++) images.set(set.images.subarray(indices[i] * per, (indices[i] + 1) * per), i * per);
  return { images, shape: [n, C, H, W], indices: Int32Array.from(indices), labels: null };
}

// n indices spread evenly over 0..length-1 (the first, then every length/n-th).
export const spread = (length: number, n: number) => Int32Array.from({ length: n }, (_, i) => Math.floor((i * length) / n));

// Row-wise argmax of (N, K) logits.
export function argmaxRows(data: Float32Array, N: number, K: number): Int32Array {
  const out = new Int32Array(N);
  for (let r = 0; r < N; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (data[r * K + k] > data[r * K + best]) best = k;
    out[r] = best;
  }
  return out;
}

// An integer scale that brings `side` pixels to about `target`.
export const scaleFor = (side: number, target: number, min = 1) => Math.max(min, Math.round(target / side));
