#!/usr/bin/python3
"""PyTorch twin of selfsup's benchmark (`npm run bench`).

What it is
    The same workloads that selfsup's own TypeScript benchmark (bench/, run by `npm run bench`)
    times with selfsup, timed here with PyTorch (CPU) in the same run, so the bench can print
    speed ratios "selfsup vs PyTorch" measured side by side on the same machine and moment
    (absolute times drift 10-40% between runs; ratios measured together do not).
    Definitions follow /work/shared/reference/torch_bench.py and its README.

How `npm run bench` calls it
    /usr/bin/python3 bench/torch_twin.py --threads T[,T...] --iters I --warmup W --json OUT
        [--channels-last] [--only conv,step,loss,gemm,pretext] [--no-mkldnn]
    and reads OUT:
    {"torch_version": str, "threads_requested": [int...], "mkldnn": bool, "channels_last": bool,
     "tcmalloc": bool,
     "rows": [{"name": str, "threads": int, "torch_ms": median ms, "torch_min_ms": min ms}, ...]}
    A human-readable table goes to stdout, progress lines to stderr. Exit status is non-zero on
    failure (OUT is then not written; it is written atomically via a temporary file + rename).

    /usr/bin/python3 is Debian's Python, which sees python3-torch (PyTorch 1.13 CPU, oneDNN
    convolutions, BLAS via the libblas.so.3 alternative, which must be set to OpenBLAS).

tcmalloc
    PyTorch is benchmarked as tuned users run it: with tcmalloc preloaded. The caller should set
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 when spawning this script (a
    process cannot preload into itself). If it did not, and SELFSUP_TORCH_NO_TCMALLOC is unset,
    the script re-executes itself once (os.execve) with LD_PRELOAD set; the env marker
    SELFSUP_TORCH_TWIN_REEXEC guards against loops. If the .so file is absent it just continues.
    Set SELFSUP_TORCH_NO_TCMALLOC=1 to measure with glibc malloc. JSON "tcmalloc" reports whether
    tcmalloc is actually mapped into the process.

Timing
    For each T in --threads: torch.set_num_threads(T), torch.manual_seed(0), then each workload:
    --warmup untimed iterations, then --iters timed ones (time.perf_counter); torch_ms is the
    median, torch_min_ms the minimum. Inputs are made before timing.

Workloads -- these MUST stay identical to the TypeScript side's (bench/); change both together:
    conv   conv2d 3x3, stride 1, pad 1, with bias, float32, NCHW (or channels_last for input and
           weight with --channels-last), shapes (N, Cin, H=W, Cout):
             (256,1,28,32) (256,32,28,64) (256,64,14,128) (256,128,7,128) (128,3,32,64) (64,64,32,64)
           conv2d_fwd/N{N}_C{Cin}_{H}x{W}_C{Cout}     forward under torch.no_grad()
           conv2d_fwdbwd/N{N}_C{Cin}_{H}x{W}_C{Cout}  forward + backward with a fixed random upstream
                                                      grad: input grad + weight grad + bias grad
    step   step/supervised: one supervised training step, batch 256 of 28x28x1 (fixed random
           inputs and labels made beforehand), encoder
             conv(1->32, 3x3, s1, p1, no bias)+BN+ReLU, conv(32->64, s2, p1, no bias)+BN+ReLU,
             conv(64->128, s2, p1, no bias)+BN+ReLU, global average pool, Linear(128->10);
           softmax cross-entropy (mean); SGD(lr=0.05, momentum=0.9, no weight decay);
           zero_grad(set_to_none=True) each step; BN in training mode.
    loss   loss/softmax_xent_4096x1000: softmax cross-entropy (mean over rows) forward + backward
           to the logits, logits (4096, 1000) random normal, integer targets.
           loss/nt_xent_N{256,512}_d128: nt_xent below on two random normal (N, 128) views,
           forward + backward to both.
    gemm   gemm/1024x1024x1024: torch.mm(A, B, out=C) of 1024x1024 float32, C preallocated.
    pretext  (selfsup: lib/pretext, lib/color, colorization's loss; random values differ, the work
           does not). Grid: 3x3 cells of P=7 pixels, gap 2, jitter 1, on uint8 (256, 1, 28, 28);
           random origin per image, random jitter in [-1, 1] per cell (all 9 drawn), patches
           gathered by advanced indexing with precomputed index grids, then per patch and channel
           x/255 standardized (mean 0, population std floored at 1/255).
           pretext/relative_position_256x28   centre + one of 8 neighbours -> (512, 1, 7, 7), labels
           pretext/jigsaw_256x28              9 tiles in the order of one of 100 fixed permutations
                                              -> (2304, 1, 7, 7), labels
           pretext/rotations_256x1x28x28      float (256, 1, 28, 28) -> torch.rot90 by k = 0..3,
                                              sample-major (4n + k) -> (1024, 1, 28, 28), labels
           pretext/rgb_to_lab_64x3x64x64      sRGB [0, 1] -> CIE Lab (D65, skimage's rgb2lab
                                              formula) on (64, 3, 64, 64)
           loss/weighted_xent_pixels_32x262x32x32  (in this group) F.cross_entropy over logits
                                              (32, 262, 32, 32) with per-class weights, targets
                                              (32, 32, 32), forward + backward to the logits
"""
import os
import sys

TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"
REEXEC_MARK = "SELFSUP_TORCH_TWIN_REEXEC"


def _tcmalloc_loaded():
    try:
        with open("/proc/self/maps") as f:
            return "libtcmalloc" in f.read()
    except OSError:
        return "libtcmalloc" in os.environ.get("LD_PRELOAD", "")


def _maybe_reexec_with_tcmalloc():
    """Re-exec once with tcmalloc preloaded, before torch is imported (see docstring)."""
    if os.environ.get("SELFSUP_TORCH_NO_TCMALLOC"):
        return
    if os.environ.get(REEXEC_MARK) or _tcmalloc_loaded():
        return
    if not os.path.exists(TCMALLOC):
        return
    env = dict(os.environ)
    env[REEXEC_MARK] = "1"
    pre = env.get("LD_PRELOAD", "")
    env["LD_PRELOAD"] = TCMALLOC + ((" " + pre) if pre else "")
    exe = sys.executable or "/usr/bin/python3"
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(exe, [exe] + sys.argv, env)
    except OSError as e:  # carry on with glibc malloc
        print(f"torch_twin: re-exec with tcmalloc failed ({e}); continuing without", file=sys.stderr)


if __name__ == "__main__":
    _maybe_reexec_with_tcmalloc()

import argparse  # noqa: E402
import json, math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# (N, Cin, H=W, Cout); 3x3, stride 1, pad 1, bias
CONV_SHAPES = [
    (256, 1, 28, 32),
    (256, 32, 28, 64),
    (256, 64, 14, 128),
    (256, 128, 7, 128),
    (128, 3, 32, 64),
    (64, 64, 32, 64),
]
GROUPS = ("conv", "norm", "step", "loss", "gemm", "pretext")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def timeit(fn, iters, warmup):
    """Returns (median ms, min ms) over `iters` timed calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1e3, min(ts) * 1e3


def conv_flops(N, Cin, H, Cout):  # 3x3, s1, p1: output H x H
    return 2.0 * N * Cout * H * H * Cin * 9


def add_row(rows, name, th, med, mn, flops=None):
    rows.append(dict(name=name, threads=th, torch_ms=med, torch_min_ms=mn))
    extra = f"  ({flops / med / 1e6:.0f} GFLOP/s)" if flops else ""
    log(f"  [{th}t] {name}: {med:.3f} ms (min {mn:.3f}){extra}")


# ---------------------------------------------------------------- workloads
def bench_conv(args, rows, th):
    for (N, Cin, H, Cout) in CONV_SHAPES:
        x = torch.randn(N, Cin, H, H)
        w = torch.randn(Cout, Cin, 3, 3) * 0.1
        b = torch.randn(Cout) * 0.1
        if args.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
            w = w.contiguous(memory_format=torch.channels_last)
        tag = f"N{N}_C{Cin}_{H}x{H}_C{Cout}"
        fl = conv_flops(N, Cin, H, Cout)

        def fwd():
            with torch.no_grad():
                F.conv2d(x, w, b, 1, 1)

        med, mn = timeit(fwd, args.iters, args.warmup)
        add_row(rows, f"conv2d_fwd/{tag}", th, med, mn, fl)

        xg = x.clone().requires_grad_(True)
        wg = w.clone().requires_grad_(True)
        bg = b.clone().requires_grad_(True)
        with torch.no_grad():
            gy = torch.randn_like(F.conv2d(x, w, b, 1, 1))  # same memory format as the output

        def fwdbwd():
            xg.grad = wg.grad = bg.grad = None
            F.conv2d(xg, wg, bg, 1, 1).backward(gy)

        med, mn = timeit(fwdbwd, args.iters, args.warmup)
        add_row(rows, f"conv2d_fwdbwd/{tag}", th, med, mn, 3 * fl)
        del x, w, b, xg, wg, bg, gy


class Encoder(nn.Module):
    """conv(1->32)+BN+ReLU, conv(32->64,s2)+BN+ReLU, conv(64->128,s2)+BN+ReLU, GAP -> 128."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.Conv2d(32, 64, 3, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
            nn.Conv2d(64, 128, 3, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.net(x).mean(dim=(2, 3))


class DeepEncoder(nn.Module):
    """The issue's deeper encoder (selfsup's `deep` preset): six 3x3 convs 32-32-64-64-128-128,
    strides 1-1-2-1-2-1, BN + ReLU each, GAP -> 128."""

    def __init__(self):
        super().__init__()
        layers, c = [], 1
        for w, s in zip([32, 32, 64, 64, 128, 128], [1, 1, 2, 1, 2, 1]):
            layers += [nn.Conv2d(c, w, 3, s, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True)]
            c = w
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).mean(dim=(2, 3))


def nt_xent(z1, z2, temperature=0.5):
    """SimCLR NT-Xent as ../shared/reference/torch_bench.py: normalize, 2N x 2N cosine / T,
    diagonal masked, cross-entropy to the other view."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = z @ z.t() / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool, device=z.device), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(z.device)
    return F.cross_entropy(sim, targets)


def augment(x, gen, max_shift_px=2.0, scale=(0.3, 1.0), ratio=(3 / 4, 4 / 3), jitter=0.0):
    """The reference script's batched augmentation: RandomResizedCrop + HFlip + shift as one
    affine warp (bilinear, zero padding), then brightness/contrast jitter."""
    B, _, H, W = x.shape
    area = torch.empty(B).uniform_(scale[0], scale[1], generator=gen)
    logr = torch.empty(B).uniform_(math.log(ratio[0]), math.log(ratio[1]), generator=gen)
    r = torch.exp(logr)
    w = torch.sqrt(area * r).clamp(max=1.0)
    h = torch.sqrt(area / r).clamp(max=1.0)
    cx = (torch.rand(B, generator=gen) * 2 - 1) * (1 - w)
    cy = (torch.rand(B, generator=gen) * 2 - 1) * (1 - h)
    shift = 2 * max_shift_px / W
    cx = cx + (torch.rand(B, generator=gen) * 2 - 1) * shift
    cy = cy + (torch.rand(B, generator=gen) * 2 - 1) * shift
    flip = torch.where(torch.rand(B, generator=gen) < 0.5, -1.0, 1.0)
    theta = torch.zeros(B, 2, 3)
    theta[:, 0, 0] = w * flip
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = h
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if jitter > 0:
        bf = torch.empty(B, 1, 1, 1).uniform_(1 - jitter, 1 + jitter, generator=gen)
        cf = torch.empty(B, 1, 1, 1).uniform_(1 - jitter, 1 + jitter, generator=gen)
        out = out * bf
        m = out.mean(dim=(1, 2, 3), keepdim=True)
        out = ((out - m) * cf + m).clamp_(0, 1)
    return out


def bench_step(args, rows, th):
    B = 256
    enc, head = Encoder(), nn.Linear(128, 10)
    enc.train()
    x = torch.randn(B, 1, 28, 28)
    if args.channels_last:
        enc = enc.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (B,))
    opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=0.05, momentum=0.9)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(head(enc(x)), y).backward()
        opt.step()

    med, mn = timeit(step, args.iters, args.warmup)
    add_row(rows, "step/supervised", th, med, mn)

    # step/supervised_deep: the same step with the deeper encoder (about 4x the FLOPs).
    deep, head_d = DeepEncoder(), nn.Linear(128, 10)
    deep.train()
    if args.channels_last:
        deep = deep.to(memory_format=torch.channels_last)
    opt_d = torch.optim.SGD(list(deep.parameters()) + list(head_d.parameters()), lr=0.05, momentum=0.9)

    def step_deep():
        opt_d.zero_grad(set_to_none=True)
        F.cross_entropy(head_d(deep(x)), y).backward()
        opt_d.step()

    med, mn = timeit(step_deep, args.iters, args.warmup)
    add_row(rows, "step/supervised_deep", th, med, mn)

    # step/simclr: raw images -> two augmented views (random resized crop 0.3-1, flip, shift,
    # brightness/contrast 0.4, one batched affine warp as the reference script) -> one 512-image
    # forward -> projector Linear-BN-ReLU-Linear (128-128-64) -> NT-Xent (T = 0.5) -> backward ->
    # SGD. selfsup's row runs tasks.SimCLR on the same encoder with the same recipe.
    raw = torch.rand(B, 1, 28, 28)
    gen = torch.Generator().manual_seed(0)

    def simclr_model(encoder):
        proj = nn.Sequential(nn.Linear(128, 128), nn.BatchNorm1d(128), nn.ReLU(inplace=True), nn.Linear(128, 64))
        if args.channels_last:
            encoder = encoder.to(memory_format=torch.channels_last)
        opt = torch.optim.SGD(list(encoder.parameters()) + list(proj.parameters()), lr=0.05, momentum=0.9)
        return encoder, proj, opt

    def simclr_step_of(encoder, proj, opt):
        def step():
            opt.zero_grad(set_to_none=True)
            v = torch.cat([augment(raw, gen, jitter=0.4), augment(raw, gen, jitter=0.4)], 0)
            if args.channels_last:
                v = v.contiguous(memory_format=torch.channels_last)
            z = proj(encoder(v))
            nt_xent(z[:B], z[B:], 0.5).backward()
            opt.step()
        return step

    enc2, proj, opt2 = simclr_model(Encoder())
    med, mn = timeit(simclr_step_of(enc2, proj, opt2), args.iters, args.warmup)
    add_row(rows, "step/simclr", th, med, mn)

    # step/simclr_deep: the same step on the deep encoder (the one the quality runs train).
    med, mn = timeit(simclr_step_of(*simclr_model(DeepEncoder())), args.iters, args.warmup)
    add_row(rows, "step/simclr_deep", th, med, mn)

    # step/simclr_prefetch: the same step with the two views made before the clock starts
    # (selfsup's row makes the next step's views on worker threads during the step).
    ready = torch.cat([augment(raw, gen, jitter=0.4), augment(raw, gen, jitter=0.4)], 0)
    if args.channels_last:
        ready = ready.contiguous(memory_format=torch.channels_last)

    def simclr_step_views_ready():
        opt2.zero_grad(set_to_none=True)
        z = proj(enc2(ready))
        nt_xent(z[:B], z[B:], 0.5).backward()
        opt2.step()

    med, mn = timeit(simclr_step_views_ready, args.iters, args.warmup)
    add_row(rows, "step/simclr_prefetch", th, med, mn)


NORM_SHAPES = [(512, 32, 28), (512, 64, 14), (512, 128, 7)]  # workloads.ts NORM_SHAPES


def bench_norm(args, rows, th):
    for N, C, H in NORM_SHAPES:
        fmt = torch.channels_last if args.channels_last else torch.contiguous_format
        x = torch.randn(N, C, H, H).to(memory_format=fmt).requires_grad_()
        dy = torch.randn(N, C, H, H).to(memory_format=fmt)
        w = torch.ones(C, requires_grad=True)
        b = (0.1 * torch.randn(C)).requires_grad_()
        rm, rv = torch.zeros(C), torch.ones(C)

        def fb():
            x.grad = w.grad = b.grad = None
            y = F.relu(F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5))
            y.backward(dy)

        med, mn = timeit(fb, args.iters, args.warmup)
        add_row(rows, f"batchnorm_relu_fwdbwd/N{N}_C{C}_{H}x{H}", th, med, mn)


def bench_loss(args, rows, th):
    logits = torch.randn(4096, 1000, requires_grad=True)
    tgt = torch.randint(0, 1000, (4096,))

    def fb():
        logits.grad = None
        F.cross_entropy(logits, tgt).backward()

    med, mn = timeit(fb, args.iters, args.warmup)
    add_row(rows, "loss/softmax_xent_4096x1000", th, med, mn)

    # NT-Xent forward + backward to both views' embeddings (N pairs, 2N rows, d = 128, T = 0.5).
    for n in (256, 512):
        z1 = torch.randn(n, 128, requires_grad=True)
        z2 = torch.randn(n, 128, requires_grad=True)

        def nt():
            z1.grad = None
            z2.grad = None
            nt_xent(z1, z2, 0.5).backward()

        med, mn = timeit(nt, args.iters, args.warmup)
        add_row(rows, f"loss/nt_xent_N{n}_d128", th, med, mn)


def bench_gemm(args, rows, th):
    n = 1024
    a, b = torch.randn(n, n), torch.randn(n, n)
    c = torch.empty(n, n)

    def mm():
        torch.mm(a, b, out=c)

    med, mn = timeit(mm, args.iters, args.warmup)
    add_row(rows, f"gemm/{n}x{n}x{n}", th, med, mn, 2.0 * n * n * n)


# skimage.color.colorconv's constants (selfsup: lib/color/lab.ts LAB_CONSTANTS)
XYZ_FROM_RGB = [[0.412453, 0.357580, 0.180423],
                [0.212671, 0.715160, 0.072169],
                [0.019334, 0.119193, 0.950227]]
WHITE_D65 = [0.95047, 1.0, 1.08883]


def rgb_to_lab(x, m, white):
    """(N, 3, H, W) sRGB in [0, 1] -> Lab, as skimage.color.rgb2lab (float32)."""
    N, _, H, W = x.shape
    lin = torch.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055).pow(2.4))
    t = torch.matmul(m, lin.reshape(N, 3, H * W)) / white  # m (3, 3), white (3, 1)
    f = torch.where(t > 0.008856, t.pow(1.0 / 3.0), 7.787 * t + 16.0 / 116.0)
    fx, fy, fz = f[:, 0], f[:, 1], f[:, 2]
    return torch.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], 1).reshape(N, 3, H, W)


class PatchGrid:
    """3x3 grid of P x P patches (gap G, jitter J) on uint8 images (N, C, H, W): random origin per
    image, random jitter per cell, patches gathered with precomputed index grids, standardized."""

    def __init__(self, N, C, H, W, P, G, J):
        self.N, self.C, self.H, self.W, self.P, self.G, self.J = N, C, H, W, P, G, J
        self.span = 3 * P + 2 * G
        ar = torch.arange(P)
        self.offs = (ar[:, None] * W + ar[None, :]).reshape(1, 1, 1, P * P)  # pixel offsets in a patch
        self.n_idx = torch.arange(N).reshape(N, 1, 1, 1)
        self.c_idx = torch.arange(C).reshape(1, 1, C, 1)
        cell = torch.arange(9)
        self.cell_dx = (cell % 3) * (P + G)  # (9,)
        self.cell_dy = (cell // 3) * (P + G)

    def cells(self):
        """Top-left x, y of the 9 jittered cells per image: (N, 9) each."""
        N, J = self.N, self.J
        ox = torch.randint(J, self.W - self.span - J + 1, (N, 1))
        oy = torch.randint(J, self.H - self.span - J + 1, (N, 1))
        jit = torch.randint(-J, J + 1, (N, 9, 2))
        return ox + self.cell_dx + jit[..., 0], oy + self.cell_dy + jit[..., 1]

    def extract(self, images, x0, y0):
        """images (N, C, H, W) uint8; x0, y0 (N, k) -> (N * k, C, P, P) standardized float32."""
        N, C, P, k = self.N, self.C, self.P, x0.shape[1]
        flat = images.reshape(N, C, self.H * self.W)
        idx = (y0 * self.W + x0).reshape(N, k, 1, 1) + self.offs  # (N, k, 1, P*P)
        p = flat[self.n_idx, self.c_idx, idx].float().div_(255.0)  # (N, k, C, P*P)
        var, mean = torch.var_mean(p, dim=3, unbiased=False, keepdim=True)
        p = (p - mean) / var.sqrt_().clamp_min_(1.0 / 255.0)
        return p.reshape(N * k, C, P, P)


def bench_pretext(args, rows, th):
    N, S, P, G, J = 256, 28, 7, 2, 1
    images = torch.randint(0, 256, (N, 1, S, S), dtype=torch.uint8)
    grid = PatchGrid(N, 1, S, S, P, G, J)
    centre = torch.full((N, 1), 4, dtype=torch.long)

    def relative_position():
        cx, cy = grid.cells()
        label = torch.randint(0, 8, (N, 1))
        sel = torch.cat([centre, label + (label >= 4).long()], 1)  # centre, neighbour (cell 4 skipped)
        return grid.extract(images, cx.gather(1, sel), cy.gather(1, sel)), label

    med, mn = timeit(relative_position, args.iters, args.warmup)
    add_row(rows, f"pretext/relative_position_{N}x{S}", th, med, mn)

    perms = torch.stack([torch.randperm(9) for _ in range(100)])  # selfsup: jigsawPermutations(100)

    def jigsaw():
        cx, cy = grid.cells()
        label = torch.randint(0, perms.shape[0], (N,))
        sel = perms[label]  # (N, 9): tile t shows cell sel[n, t]
        return grid.extract(images, cx.gather(1, sel), cy.gather(1, sel)), label

    med, mn = timeit(jigsaw, args.iters, args.warmup)
    add_row(rows, f"pretext/jigsaw_{N}x{S}", th, med, mn)

    x = torch.rand(N, 1, S, S)

    def rotations():
        out = torch.stack([torch.rot90(x, k, (2, 3)) for k in range(4)], 1).reshape(4 * N, 1, S, S)
        return out, torch.arange(4).repeat(N)

    med, mn = timeit(rotations, args.iters, args.warmup)
    add_row(rows, f"pretext/rotations_{N}x1x{S}x{S}", th, med, mn)

    rgb = torch.rand(64, 3, 64, 64)
    m = torch.tensor(XYZ_FROM_RGB)
    white = torch.tensor(WHITE_D65).reshape(3, 1)

    med, mn = timeit(lambda: rgb_to_lab(rgb, m, white), args.iters, args.warmup)
    add_row(rows, "pretext/rgb_to_lab_64x3x64x64", th, med, mn)

    B, Q, HW = 32, 262, 32
    logits = torch.randn(B, Q, HW, HW, requires_grad=True)
    tgt = torch.randint(0, Q, (B, HW, HW))
    w = torch.rand(Q) + 0.5

    def weighted_xent():
        logits.grad = None
        F.cross_entropy(logits, tgt, weight=w).backward()

    med, mn = timeit(weighted_xent, args.iters, args.warmup)
    add_row(rows, f"loss/weighted_xent_pixels_{B}x{Q}x{HW}x{HW}", th, med, mn)

    # next-token's embedding: 64 windows of 64 byte ids into a (256, 96) table, forward + backward
    table = torch.randn(256, 96, requires_grad=True)
    ids = torch.randint(0, 256, (64, 64))
    dy = torch.randn(64, 64, 96)

    def embedding():
        table.grad = None
        F.embedding(ids, table).backward(dy)

    med, mn = timeit(embedding, args.iters, args.warmup)
    add_row(rows, "pretext/embedding_fwdbwd_64x64_256x96", th, med, mn)


BENCHES = dict(conv=bench_conv, norm=bench_norm, step=bench_step, loss=bench_loss, gemm=bench_gemm, pretext=bench_pretext)


# ---------------------------------------------------------------- output
def table(rows, threads):
    names = list(dict.fromkeys(r["name"] for r in rows))
    by = {(r["name"], r["threads"]): r for r in rows}
    heads = ["workload"] + [f"{t}t ms (min)" for t in threads]
    lines = []
    for n in names:
        cells = [n]
        for t in threads:
            r = by.get((n, t))
            cells.append(f"{r['torch_ms']:.2f} ({r['torch_min_ms']:.2f})" if r else "-")
        lines.append(cells)
    widths = [max(len(c[i]) for c in [heads] + lines) for i in range(len(heads))]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(heads), "  ".join("-" * w for w in widths)] + [fmt(c) for c in lines])


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="PyTorch twin of selfsup's `npm run bench` workloads.")
    ap.add_argument("--threads", default="2,1", help="comma list of thread counts, e.g. 1,2")
    ap.add_argument("--iters", type=int, default=15, help="timed iterations (median reported)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed iterations before timing")
    ap.add_argument("--only", default=",".join(GROUPS), help="comma list of groups: " + ",".join(GROUPS))
    ap.add_argument("--channels-last", action="store_true",
                    help="conv inputs/weights (and the step's encoder) in channels_last")
    ap.add_argument("--no-mkldnn", action="store_true", help="disable oneDNN (conv via im2col + BLAS)")
    ap.add_argument("--json", default=None, metavar="FILE", help="write results as JSON to FILE")
    args = ap.parse_args(argv)
    try:
        args.threads = [int(t) for t in args.threads.split(",") if t.strip()]
    except ValueError:
        ap.error(f"--threads must be a comma list of integers, got {args.threads!r}")
    if not args.threads or any(t < 1 for t in args.threads):
        ap.error("--threads needs at least one thread count >= 1")
    if args.iters < 1 or args.warmup < 0:
        ap.error("--iters must be >= 1 and --warmup >= 0")
    args.only = [g.strip() for g in args.only.split(",") if g.strip()]
    bad = [g for g in args.only if g not in GROUPS]
    if bad or not args.only:
        ap.error(f"--only: unknown group(s) {bad}; choose from {','.join(GROUPS)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.no_mkldnn:
        torch.backends.mkldnn.enabled = False
    mkldnn = bool(torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled)
    tcm = _tcmalloc_loaded()
    log(f"torch {torch.__version__}, mkldnn={mkldnn}, channels_last={args.channels_last}, "
        f"tcmalloc={tcm}, threads={args.threads}, iters={args.iters}, warmup={args.warmup}")
    rows = []
    for th in args.threads:
        torch.set_num_threads(th)
        for g in GROUPS:
            if g in args.only:
                torch.manual_seed(0)
                BENCHES[g](args, rows, th)
    print(f"PyTorch {torch.__version__} (mkldnn={mkldnn}, channels_last={args.channels_last}, "
          f"tcmalloc={tcm}); median ms over {args.iters} iters after {args.warmup} warmup, (min)")
    print(table(rows, args.threads), flush=True)
    if args.json:
        out = dict(torch_version=torch.__version__, threads_requested=args.threads, mkldnn=mkldnn,
                   channels_last=args.channels_last, tcmalloc=tcm, rows=rows)
        tmp = f"{args.json}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump(out, f, indent=1)
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
