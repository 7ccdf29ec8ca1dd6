#!/usr/bin/python3
"""Generate PyTorch reference fixtures for the selfsup test suite.

What it generates
-----------------
Small ``.safetensors`` files under ``test/reference/fixtures/``, each holding
the inputs, outputs and gradients of one op (or an optimizer run, or a small
end-to-end network) as computed by PyTorch:

  conv1d, conv2d, conv2d_depthwise, conv3d, conv_transpose2d,
  conv_transpose3d, maxpool1d, maxpool2d, avgpool2d, avgpool3d,
  batchnorm2d, layernorm, activations, upsample, cross_entropy, optim,
  network, network_init

Conventions
-----------
* Per-op fixtures: inputs are drawn as float32, then the op's output and
  gradients are computed in float64 and stored as F32. ``gy`` is a random
  upstream gradient; ``gx``/``gw``/``gb``/... are d(sum(y * gy))/d(input).
* ``network.safetensors`` is computed entirely in float32 (end-to-end check).
* Float tensors are stored as F32, integer tensors as I32 (including
  ``num_batches_tracked``, which is int64 in PyTorch). Scalars have shape [1].
* Hyper-parameters are stored in ``__metadata__`` as JSON-encoded strings.
* The safetensors files are written by hand (no ``safetensors`` package).

How to run
----------
    /usr/bin/python3 test/reference/generate_fixtures.py

(uses the system PyTorch, 1.13 CPU, and numpy; no network needed).
The generated fixtures are committed to the repository, so the JavaScript
tests do not need Python or PyTorch to run.
"""

import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "fixtures")


# ---------------------------------------------------------------------------
# safetensors writer
# ---------------------------------------------------------------------------

def _to_bytes(t):
    t = torch.as_tensor(t).detach().cpu()
    if t.dtype.is_floating_point:
        arr = t.float().contiguous().numpy().astype("<f4", copy=False)
        dtype = "F32"
    elif t.dtype in (torch.int8, torch.int16, torch.int32, torch.int64,
                     torch.uint8, torch.bool):
        arr = t.to(torch.int64).contiguous().numpy()
        assert arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31)
        arr = arr.astype("<i4")
        dtype = "I32"
    else:
        raise TypeError("unsupported dtype %s" % t.dtype)
    shape = list(t.shape)
    if len(shape) == 0:
        shape = [1]
    return dtype, shape, arr.tobytes()


def write_safetensors(path, tensors, metadata=None):
    """Write ``tensors`` (dict name -> torch.Tensor) and string ``metadata``."""
    header = {}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        dtype, shape, data = _to_bytes(t)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        for k, v in metadata.items():
            assert isinstance(k, str) and isinstance(v, str), (k, v)
        header["__metadata__"] = dict(metadata)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    pad = (8 - (8 + len(hbytes)) % 8) % 8
    hbytes += b" " * pad
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for c in chunks:
            f.write(c)


def out(name):
    return os.path.join(OUT_DIR, name)


def J(v):
    return json.dumps(v)


def rand(*shape):
    """float32 standard normal, returned as float64 (exactly representable)."""
    return torch.randn(*shape, dtype=torch.float32).double()


def leaf(t):
    return t.clone().requires_grad_(True)


# ---------------------------------------------------------------------------
# convolutions
# ---------------------------------------------------------------------------

def conv_fixture(fname, fn, x_shape, w_shape, meta, seed, **kw):
    torch.manual_seed(seed)
    x = leaf(rand(*x_shape))
    w = leaf(rand(*w_shape))
    cout = w_shape[0] if "transpose" not in meta["op"] else w_shape[1] * kw.get("groups", 1)
    b = leaf(rand(cout))
    y = fn(x, w, b, **kw)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    write_safetensors(out(fname),
                      {"x": x, "w": w, "b": b, "y": y, "gy": gy,
                       "gx": x.grad, "gw": w.grad, "gb": b.grad}, meta)


def gen_convs():
    conv_fixture("conv1d.safetensors", F.conv1d, (2, 4, 11), (6, 2, 3),
                 {"op": "conv1d", "stride": J([2]), "padding": J([1]),
                  "dilation": J([2]), "groups": "2"}, seed=1,
                 stride=2, padding=1, dilation=2, groups=2)
    conv_fixture("conv2d.safetensors", F.conv2d, (2, 3, 9, 8), (5, 3, 3, 2),
                 {"op": "conv2d", "stride": J([2, 1]), "padding": J([1, 0]),
                  "dilation": J([1, 2]), "groups": "1"}, seed=2,
                 stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=1)
    conv_fixture("conv2d_depthwise.safetensors", F.conv2d, (2, 4, 7, 7), (4, 1, 3, 3),
                 {"op": "conv2d", "stride": J([1, 1]), "padding": J([1, 1]),
                  "dilation": J([1, 1]), "groups": "4"}, seed=3,
                 stride=1, padding=1, dilation=1, groups=4)
    conv_fixture("conv3d.safetensors", F.conv3d, (1, 2, 5, 6, 5), (3, 2, 3, 3, 2),
                 {"op": "conv3d", "stride": J([1, 2, 1]), "padding": J([1, 1, 0]),
                  "dilation": J([1, 1, 1]), "groups": "1"}, seed=4,
                 stride=(1, 2, 1), padding=(1, 1, 0), dilation=1, groups=1)
    conv_fixture("conv_transpose2d.safetensors", F.conv_transpose2d, (2, 4, 5, 5), (4, 3, 3, 3),
                 {"op": "conv_transpose2d", "stride": J([2, 2]), "padding": J([1, 1]),
                  "output_padding": J([1, 1]), "dilation": J([1, 1]), "groups": "1",
                  "weight_layout": "(Cin, Cout/groups, k...)"}, seed=5,
                 stride=2, padding=1, output_padding=1, groups=1, dilation=1)
    conv_fixture("conv_transpose3d.safetensors", F.conv_transpose3d, (1, 3, 3, 4, 3), (3, 2, 2, 3, 2),
                 {"op": "conv_transpose3d", "stride": J([2, 2, 2]), "padding": J([0, 0, 0]),
                  "output_padding": J([0, 0, 0]), "dilation": J([1, 1, 1]), "groups": "1",
                  "weight_layout": "(Cin, Cout/groups, k...)"}, seed=6,
                 stride=2, padding=0, output_padding=0, groups=1, dilation=1)


# ---------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------

def gen_pools():
    # maxpool2d
    torch.manual_seed(7)
    x = leaf(rand(2, 3, 9, 9))
    y = F.max_pool2d(x, 3, stride=2, padding=1)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    write_safetensors(out("maxpool2d.safetensors"),
                      {"x": x, "y": y, "gy": gy, "gx": x.grad},
                      {"op": "maxpool2d", "kernel_size": J([3, 3]), "stride": J([2, 2]),
                       "padding": J([1, 1]), "dilation": J([1, 1]), "ceil_mode": "false"})

    # avgpool2d (count_include_pad True and False, same x and gy)
    torch.manual_seed(8)
    x0 = rand(2, 3, 9, 9)
    x = leaf(x0)
    y = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    x2 = leaf(x0)
    y2 = F.avg_pool2d(x2, 3, stride=2, padding=1, count_include_pad=False)
    (y2 * gy).sum().backward()
    write_safetensors(out("avgpool2d.safetensors"),
                      {"x": x, "y": y, "gy": gy, "gx": x.grad,
                       "y_nopad": y2, "gx_nopad": x2.grad},
                      {"op": "avgpool2d", "kernel_size": J([3, 3]), "stride": J([2, 2]),
                       "padding": J([1, 1]), "ceil_mode": "false",
                       "count_include_pad": "true",
                       "count_include_pad_nopad": "false"})

    # maxpool1d
    torch.manual_seed(9)
    x = leaf(rand(2, 3, 13))
    y = F.max_pool1d(x, 3, stride=2)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    write_safetensors(out("maxpool1d.safetensors"),
                      {"x": x, "y": y, "gy": gy, "gx": x.grad},
                      {"op": "maxpool1d", "kernel_size": J([3]), "stride": J([2]),
                       "padding": J([0]), "dilation": J([1]), "ceil_mode": "false"})

    # avgpool3d
    torch.manual_seed(10)
    x = leaf(rand(1, 2, 6, 6, 6))
    y = F.avg_pool3d(x, 2, stride=2)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    write_safetensors(out("avgpool3d.safetensors"),
                      {"x": x, "y": y, "gy": gy, "gx": x.grad},
                      {"op": "avgpool3d", "kernel_size": J([2, 2, 2]), "stride": J([2, 2, 2]),
                       "padding": J([0, 0, 0]), "ceil_mode": "false",
                       "count_include_pad": "true"})


# ---------------------------------------------------------------------------
# normalization
# ---------------------------------------------------------------------------

def gen_norms():
    torch.manual_seed(11)
    x = leaf(rand(4, 3, 5, 5))
    bn = nn.BatchNorm2d(3, eps=1e-5, momentum=0.1).double()
    with torch.no_grad():
        bn.weight.copy_(rand(3))
        bn.bias.copy_(rand(3))
    gamma0 = bn.weight.detach().clone()
    beta0 = bn.bias.detach().clone()
    bn.train()
    y = bn(x)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    bn.eval()
    with torch.no_grad():
        y_eval = bn(x.detach())
    write_safetensors(out("batchnorm2d.safetensors"),
                      {"x": x, "gamma": gamma0, "beta": beta0, "y": y, "gy": gy,
                       "gx": x.grad, "ggamma": bn.weight.grad, "gbeta": bn.bias.grad,
                       "running_mean": bn.running_mean, "running_var": bn.running_var,
                       "y_eval": y_eval},
                      {"op": "batchnorm2d", "training": "true", "momentum": "0.1",
                       "eps": "1e-05", "running_mean_init": "0", "running_var_init": "1",
                       "running_var_update": "unbiased batch variance",
                       "y_eval": "eval-mode output on same x using updated running stats"})

    torch.manual_seed(12)
    x = leaf(rand(6, 10))
    gamma = leaf(rand(10))
    beta = leaf(rand(10))
    y = F.layer_norm(x, (10,), gamma, beta, eps=1e-5)
    gy = rand(*y.shape)
    (y * gy).sum().backward()
    write_safetensors(out("layernorm.safetensors"),
                      {"x": x, "gamma": gamma, "beta": beta, "y": y, "gy": gy,
                       "gx": x.grad, "ggamma": gamma.grad, "gbeta": beta.grad},
                      {"op": "layernorm", "normalized_shape": J([10]), "eps": "1e-05"})


# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------

def gen_activations():
    torch.manual_seed(13)
    x0 = (torch.linspace(-4.0, 4.0, 64, dtype=torch.float32) + 0.01).double()
    assert (x0 != 0).all()
    gy = rand(64)
    fns = {
        "relu": F.relu,
        "leaky": lambda t: F.leaky_relu(t, 0.1),
        "gelu": lambda t: F.gelu(t, approximate="none"),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
    }
    tensors = {"x": x0, "gy": gy}
    for k, fn in fns.items():
        x = leaf(x0)
        y = fn(x)
        (y * gy).sum().backward()
        tensors["y_" + k] = y
        tensors["gx_" + k] = x.grad
    write_safetensors(out("activations.safetensors"), tensors,
                      {"op": "activations", "x": "linspace(-4, 4, 64) + 0.01",
                       "leaky_slope": "0.1", "gelu": "exact (erf)",
                       "names": J(list(fns.keys()))})


# ---------------------------------------------------------------------------
# upsample
# ---------------------------------------------------------------------------

def gen_upsample():
    torch.manual_seed(14)
    x0 = rand(2, 2, 4, 5)
    tensors = {"x": x0}
    cases = [
        ("nearest", dict(size=(8, 10), mode="nearest")),
        ("bilinear", dict(size=(7, 9), mode="bilinear", align_corners=False)),
        ("bilinear_ac", dict(size=(7, 9), mode="bilinear", align_corners=True)),
    ]
    for k, kw in cases:
        x = leaf(x0)
        y = F.interpolate(x, **kw)
        gy = rand(*y.shape)
        (y * gy).sum().backward()
        tensors["y_" + k] = y
        tensors["gy_" + k] = gy
        tensors["gx_" + k] = x.grad
    write_safetensors(out("upsample.safetensors"), tensors,
                      {"op": "upsample",
                       "nearest": J({"size": [8, 10], "mode": "nearest"}),
                       "bilinear": J({"size": [7, 9], "mode": "bilinear", "align_corners": False}),
                       "bilinear_ac": J({"size": [7, 9], "mode": "bilinear", "align_corners": True})})


# ---------------------------------------------------------------------------
# cross entropy
# ---------------------------------------------------------------------------

def gen_cross_entropy():
    torch.manual_seed(15)
    logits0 = rand(12, 7)
    targets = torch.randint(0, 7, (12,))
    targets_plain = targets.clone()
    targets[3] = -100
    targets[8] = -100
    lg = leaf(logits0)
    loss = F.cross_entropy(lg, targets, ignore_index=-100, label_smoothing=0.1,
                           reduction="mean")
    loss.backward()
    lp = leaf(logits0)
    loss_plain = F.cross_entropy(lp, targets_plain, reduction="mean")
    loss_plain.backward()
    write_safetensors(out("cross_entropy.safetensors"),
                      {"logits": logits0, "targets": targets,
                       "loss": loss.reshape(1), "glogits": lg.grad,
                       "targets_plain": targets_plain,
                       "loss_plain": loss_plain.reshape(1), "glogits_plain": lp.grad},
                      {"op": "cross_entropy", "reduction": "mean", "ignore_index": "-100",
                       "label_smoothing": "0.1", "label_smoothing_plain": "0.0",
                       "ignored_rows": J([3, 8])})


def gen_contrastive():
    """NT-Xent as ../shared/reference/torch_bench.py defines it (normalize, 2N x 2N cosine
    similarity / T, diagonal masked, cross-entropy to the other view) at T = 0.5 and the stiff
    T = 0.05; BYOL's 2 - 2 cos(p, t) with t detached."""
    torch.manual_seed(21)
    def nt_xent(z1, z2, T):
        n = z1.shape[0]
        z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
        sim = z @ z.t() / T
        sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
        targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
        return F.cross_entropy(sim, targets)
    tensors, meta = {}, {"op": "contrastive"}
    z1, z2 = rand(6, 5), rand(6, 5)
    tensors["z1"], tensors["z2"] = z1, z2
    for tag, T in (("t05", 0.5), ("t005", 0.05)):
        a, b = leaf(z1), leaf(z2)
        loss = nt_xent(a, b, T)
        loss.backward()
        tensors["loss_" + tag], tensors["gz1_" + tag], tensors["gz2_" + tag] = loss.reshape(1), a.grad, b.grad
        meta["temperature_" + tag] = str(T)
    p0, t0 = rand(7, 4), rand(7, 4)
    p = leaf(p0)
    loss = (2 - 2 * F.cosine_similarity(p, t0.detach(), dim=1)).mean()
    loss.backward()
    tensors.update({"p": p0, "t": t0, "loss_byol": loss.reshape(1), "gp_byol": p.grad})
    meta["byol"] = "mean(2 - 2 cos(p, t)), t detached"
    write_safetensors(out("contrastive.safetensors"), tensors, meta)


# ---------------------------------------------------------------------------
# optimizers
# ---------------------------------------------------------------------------

def gen_optim():
    torch.manual_seed(16)
    p0 = rand(20)
    gs = [rand(20) for _ in range(3)]

    def run(make):
        p = nn.Parameter(p0.clone())
        opt = make([p])
        for g in gs:
            opt.zero_grad()
            p.grad = g.clone()
            opt.step()
        return p.detach()

    p_nest = run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01,
                                            nesterov=True))
    p_damp = run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1))
    p_adamw = run(lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.99), eps=1e-8,
                                               weight_decay=0.05))
    write_safetensors(out("optim.safetensors"),
                      {"p0": p0, "g1": gs[0], "g2": gs[1], "g3": gs[2],
                       "p_sgd_nesterov": p_nest, "p_sgd_damp": p_damp, "p_adamw": p_adamw},
                      {"op": "optim", "steps": "3", "computed_in": "float64",
                       "sgd_nesterov": J({"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01,
                                          "dampening": 0.0, "nesterov": True}),
                       "sgd_damp": J({"lr": 0.1, "momentum": 0.9, "dampening": 0.1,
                                      "weight_decay": 0.0, "nesterov": False}),
                       "adamw": J({"lr": 0.01, "betas": [0.9, 0.99], "eps": 1e-8,
                                   "weight_decay": 0.05, "amsgrad": False})})


# ---------------------------------------------------------------------------
# end-to-end network (float32)
# ---------------------------------------------------------------------------

ARCH = [
    {"index": 0, "type": "Conv2d", "in_channels": 1, "out_channels": 8, "kernel_size": [3, 3],
     "stride": [1, 1], "padding": [1, 1], "bias": True, "out_shape": [8, 8, 28, 28]},
    {"index": 1, "type": "BatchNorm2d", "num_features": 8, "eps": 1e-5, "momentum": 0.1,
     "out_shape": [8, 8, 28, 28]},
    {"index": 2, "type": "ReLU", "out_shape": [8, 8, 28, 28]},
    {"index": 3, "type": "MaxPool2d", "kernel_size": [2, 2], "stride": [2, 2], "padding": [0, 0],
     "out_shape": [8, 8, 14, 14]},
    {"index": 4, "type": "Conv2d", "in_channels": 8, "out_channels": 16, "kernel_size": [3, 3],
     "stride": [2, 2], "padding": [1, 1], "bias": False, "out_shape": [8, 16, 7, 7]},
    {"index": 5, "type": "BatchNorm2d", "num_features": 16, "eps": 1e-5, "momentum": 0.1,
     "out_shape": [8, 16, 7, 7]},
    {"index": 6, "type": "ReLU", "out_shape": [8, 16, 7, 7]},
    {"index": 7, "type": "AvgPool2d", "kernel_size": [2, 2], "stride": [2, 2], "padding": [0, 0],
     "ceil_mode": False, "count_include_pad": True, "out_shape": [8, 16, 3, 3]},
    {"index": 8, "type": "Flatten", "start_dim": 1, "out_shape": [8, 144]},
    {"index": 9, "type": "Linear", "in_features": 144, "out_features": 10, "bias": True,
     "out_shape": [8, 10]},
]


def gen_network():
    torch.manual_seed(17)
    net = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 3 * 3, 10),
    ).float()
    # make BN affine params non-trivial so they are actually tested
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    net.train()
    init_sd = {k: v.detach().clone() for k, v in net.state_dict().items()}

    x = torch.rand(8, 1, 28, 28, dtype=torch.float32)
    targets = torch.randint(0, 10, (8,))

    # verify the shapes recorded in ARCH
    h = x
    for layer, spec in zip(net, ARCH):
        with torch.no_grad():
            h = layer(h) if not isinstance(layer, nn.BatchNorm2d) else F.batch_norm(
                h, None, None, layer.weight, layer.bias, True, 0.0, layer.eps)
        assert list(h.shape) == spec["out_shape"], (spec, h.shape)

    logits = net(x)
    loss = F.cross_entropy(logits, targets)
    loss.backward()

    tensors = {"x": x, "targets": targets, "logits": logits, "loss": loss.reshape(1)}
    for k, v in init_sd.items():
        if k.endswith("running_mean") or k.endswith("running_var") or \
                k.endswith("num_batches_tracked"):
            continue
        tensors["param." + k] = v
    for k, p in net.named_parameters():
        tensors["grad." + k] = p.grad
    for k, b in net.named_buffers():
        tensors["buffer." + k] = b
    meta = {
        "op": "network",
        "dtype": "float32 (computed in float32)",
        "arch": J(ARCH),
        "input": "x (8,1,28,28) uniform [0,1); targets (8,) in [0,10)",
        "mode": "train",
        "loss": "F.cross_entropy(logits, targets), mean reduction",
        "param_prefix": "param.<state_dict name> = initial (pre-step) parameter values",
        "grad_prefix": "grad.<state_dict name> = gradient of loss",
        "buffer_prefix": "buffer.<state_dict name> = BN buffers after the forward pass",
        "num_batches_tracked": "stored as I32 (int64 in PyTorch)",
    }
    write_safetensors(out("network.safetensors"), tensors, meta)
    write_safetensors(out("network_init.safetensors"), init_sd,
                      {"format": "pytorch state_dict of the network in network.safetensors",
                       "arch": J(ARCH),
                       "num_batches_tracked": "stored as I32 (int64 in PyTorch)"})
    return tensors, init_sd


# ---------------------------------------------------------------------------
# independent self-check (hand-written reader)
# ---------------------------------------------------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert (8 + n) % 8 == 0
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    res = {}
    expected = 0
    for name, info in header.items():
        b, e = info["data_offsets"]
        assert b == expected, (name, b, expected)
        expected = e
        np_dtype = {"F32": "<f4", "I32": "<i4", "F64": "<f8"}[info["dtype"]]
        arr = np.frombuffer(data[b:e], dtype=np_dtype)
        assert arr.size == int(np.prod(info["shape"])), name
        res[name] = arr.reshape(info["shape"])
    assert expected == len(data)
    return res, meta


def self_check(tensors, init_sd):
    for fname, ref in (("network.safetensors", tensors),
                       ("network_init.safetensors", init_sd)):
        got, meta = read_safetensors(out(fname))
        assert list(got.keys()) == list(ref.keys()), fname
        for k, v in ref.items():
            v = v.detach()
            exp = v.float().numpy() if v.dtype.is_floating_point else v.to(torch.int32).numpy()
            exp = exp.reshape(list(v.shape) or [1])
            assert got[k].shape == exp.shape, (fname, k)
            assert np.array_equal(got[k], exp), (fname, k)
        assert "arch" in meta
    # every fixture is readable
    for f in sorted(os.listdir(OUT_DIR)):
        if f.endswith(".safetensors"):
            read_safetensors(out(f))
    print("self-check OK")


def main():
    torch.set_num_threads(1)
    gen_convs()
    gen_pools()
    gen_norms()
    gen_activations()
    gen_upsample()
    gen_cross_entropy()
    gen_contrastive()
    gen_optim()
    tensors, init_sd = gen_network()
    self_check(tensors, init_sd)
    total = 0
    for f in sorted(os.listdir(OUT_DIR)):
        sz = os.path.getsize(out(f))
        total += sz
        print("%-32s %8d" % (f, sz))
    print("total %d bytes" % total)


if __name__ == "__main__":
    main()
