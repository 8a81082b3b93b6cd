"""The fast training engine: listing 08's ``train_gan`` with the same math, fused and compiled.

Used by ``--engine fast`` (and ``--engine auto`` where it applies) through
``gankit.training``. For every real image, in order, it performs the three steps
of listing 08 exactly as ``Discriminator.train`` (listing 03) and
``Generator.train`` (listing 06) do:

1. ``D.train(image, 1.0)``;
2. ``D.train(G(seed_a).detach(), 0.0)``;
3. ``G.train(D, seed_b, 1.0)``: G recomputes its image from ``seed_b``, the
   D updated by steps 1-2 scores it, only G's parameters are stepped.

It draws its random numbers with the same ``generate_noise`` in the same order
(``seed_a`` then ``seed_b`` per image), updates the models' own parameter
tensors and their optimisers' state in place (Adam's ``step``, ``exp_avg`` and
``exp_avg_sq``), and appends to ``counter``/``progress`` as the listings do, so
a checkpoint written after a fast epoch resumes with either engine.

What differs is only how the arithmetic is arranged: gradients are written out
by hand, and each pass over a 200x784 weight matrix does several jobs at once
(apply step 1's update to a row, then immediately take that row's dot product
with step 2's input, ...). The loops are compiled by numba, single threaded.
Summation order differs from PyTorch's, so results agree to float32 rounding,
not bit for bit; ``tests/test_fast_equivalence.py`` checks 1,000 iterations.

Supported (each choice independent, for D and G separately): the hidden block
``Sigmoid`` or ``LayerNorm`` (any eps, with or without affine parameters)
followed by ``LeakyReLU`` (any slope); any hidden width and seed size; the loss
``MSELoss`` or ``BCELoss`` (PyTorch's clamping of the log at -100 and its
backward epsilon 1e-12 included); plain ``SGD`` or ``Adam`` without amsgrad or
weight decay. ``unsupported_reason`` names anything else, and ``--engine auto``
then trains with the listing's code.
"""
from __future__ import annotations

import json
import os

import numpy as np
import torch
from torch import nn

# The same sums on every x86 CPU with AVX2: numba compiles for its host, and on an AVX-512 CPU
# LLVM vectorises the dot products 16 floats wide instead of 8, which adds them up in another
# order; a GAN amplifies that rounding (an AVX-512 run of the first GAN ends on another digit).
# Compiled for the AVX2 baseline ("haswell"), a run gives the same weights, bit for bit, as on
# the AVX2 machine that made the book's figures. Other CPUs (ARM, x86 without AVX2) keep theirs.
REPRODUCIBLE_TARGET = "haswell"


def _compile_target() -> None:
    import llvmlite.binding as llvm

    features = llvm.get_host_cpu_features()
    if "NUMBA_CPU_NAME" not in os.environ and features.get("avx2") and features.get("fma"):
        os.environ["NUMBA_CPU_NAME"] = REPRODUCIBLE_TARGET
        import numba.core.config

        numba.core.config.reload_config()


_compile_target()
from numba import njit  # noqa: E402 (after the compile target is chosen)

from .fingerprint import project_code
from .paths import PROJECT_ROOT
from .bars import progress

# The printed code the fast engine was checked against: a data file beside the listings, written
# and checked by tests/test_fast_equivalence.py, with the code hash (gankit.fingerprint.code_hash,
# first 16 hex digits) of every printed function it stands in for. A function of those files edited
# by a reader no longer matches, and the printed code trains.
PROVEN_FILE = PROJECT_ROOT / "codes" / "fast_engine.json"


def proven() -> dict[str, str]:
    """{qualified name: code hash} of the printed functions the fast engine was checked against."""
    try:
        return json.loads(PROVEN_FILE.read_text(encoding="utf-8"))["functions"]
    except (OSError, ValueError, KeyError):
        return {}


def unproven(D, G, train_gan, generate_noise) -> list[str]:
    """The printed functions (of the files the fast engine was checked against, and notebook cells)
    this training would use that are not the code it was checked against; [] when it may stand in."""
    checked = proven()
    files = {name.split(":")[0] for name in checked} | {"<cell>"}
    code = project_code(D, G, train_gan, generate_noise)
    return [name for name, digest in code.items()
            if name.split(":")[0] in files and checked.get(name) != digest[:16]]

CHUNK = 1000  # images per compiled call; the progress bar moves once per chunk

# Loss and optimiser codes passed to the compiled kernel.
MSE, BCE = 0, 1
SGD, ADAM = 0, 1
SIGMOID, LN_LEAKY = 0, 1

_FM = {"reassoc", "contract"}  # lets LLVM vectorise dot products (sums in a different order)
_F0 = np.float32(0.0)
_F1 = np.float32(1.0)
_F2 = np.float32(2.0)
_LOG_MIN = np.float32(-100.0)  # torch's binary_cross_entropy clamps log at -100
_BCE_EPS = np.float32(1e-12)  # ... and divides by max((1 - o) * o, 1e-12) in backward


# ------------------------------------------------------------------ structure
class _Unsupported(Exception):
    pass


def _seq_layers(model, who):
    seq = getattr(model, "model", None)
    if not isinstance(seq, nn.Sequential):
        raise _Unsupported(f"{who}.model is not an nn.Sequential")
    layers = list(seq)
    for layer in layers:
        if type(layer) not in (nn.Linear, nn.Sigmoid, nn.LayerNorm, nn.LeakyReLU):
            raise _Unsupported(f"{who} has a {type(layer).__name__} layer (supported: Linear, Sigmoid, "
                               "LayerNorm, LeakyReLU)")
    return layers


def _hidden_block(layers, who):
    """Parse ``[Sigmoid]`` or ``[LayerNorm, LeakyReLU]``; return a description dict."""
    names = [type(layer).__name__ for layer in layers]
    if len(layers) == 1 and type(layers[0]) is nn.Sigmoid:
        return {"act": SIGMOID, "ln": None, "slope": 0.0, "eps": 0.0}
    if len(layers) == 2 and type(layers[0]) is nn.LayerNorm and type(layers[1]) is nn.LeakyReLU:
        ln, leaky = layers
        if len(ln.normalized_shape) != 1:
            raise _Unsupported(f"{who}'s LayerNorm normalises over {tuple(ln.normalized_shape)}, not one dimension")
        return {"act": LN_LEAKY, "ln": ln, "slope": float(leaky.negative_slope), "eps": float(ln.eps)}
    raise _Unsupported(f"{who}'s hidden block is {' + '.join(names) or 'empty'} "
                       "(supported: Sigmoid, or LayerNorm then LeakyReLU)")


def _structure(model, who, n_out=None):
    """(first Linear, hidden block, second Linear) of Linear → hidden → Linear → Sigmoid."""
    layers = _seq_layers(model, who)
    if len(layers) < 4 or type(layers[0]) is not nn.Linear or type(layers[-2]) is not nn.Linear \
            or type(layers[-1]) is not nn.Sigmoid:
        raise _Unsupported(f"{who}.model is not Linear → hidden block → Linear → Sigmoid")
    first, last = layers[0], layers[-2]
    hidden = _hidden_block(layers[1:-2], who)
    if first.bias is None or last.bias is None:
        raise _Unsupported(f"{who} has a Linear layer without bias")
    width = first.out_features
    if last.in_features != width:
        raise _Unsupported(f"{who}'s layers do not fit together")
    if hidden["ln"] is not None and tuple(hidden["ln"].normalized_shape) != (width,):
        raise _Unsupported(f"{who}'s LayerNorm does not match its hidden width {width}")
    if n_out is not None and last.out_features != n_out:
        raise _Unsupported(f"{who} has {last.out_features} outputs, expected {n_out}")
    return first, hidden, last


def _params(first, hidden, last):
    """The model's parameters in the order the kernel expects (missing LayerNorm ones are None)."""
    ln = hidden["ln"]
    gamma = ln.weight if ln is not None else None
    beta = ln.bias if ln is not None else None
    return [first.weight, first.bias, gamma, beta, last.weight, last.bias]


def _optimiser(model, who, params):
    opt = getattr(model, "optimiser", None)
    if type(opt) is torch.optim.SGD:
        kind = SGD
    elif type(opt) is torch.optim.Adam:
        kind = ADAM
    else:
        raise _Unsupported(f"{who}.optimiser is {type(opt).__name__} (supported: torch.optim.SGD, torch.optim.Adam)")
    if len(opt.param_groups) != 1:
        raise _Unsupported(f"{who}.optimiser has {len(opt.param_groups)} parameter groups (supported: 1)")
    group = opt.param_groups[0]
    wanted = [p for p in params if p is not None]
    if len(group["params"]) != len(wanted) or {id(p) for p in group["params"]} != {id(p) for p in wanted}:
        raise _Unsupported(f"{who}.optimiser does not hold exactly {who}'s parameters")
    model_params = list(model.parameters())
    if {id(p) for p in model_params} != {id(p) for p in wanted}:
        raise _Unsupported(f"{who} has parameters outside its Linear and LayerNorm layers")
    if any(isinstance(group[k], torch.Tensor) for k in ("lr",) if k in group):
        raise _Unsupported(f"{who}.optimiser has a tensor learning rate")
    for flag in ("maximize", "differentiable"):
        if group.get(flag):
            raise _Unsupported(f"{who}.optimiser uses {flag}=True")
    if group.get("weight_decay", 0) != 0:
        raise _Unsupported(f"{who}.optimiser uses weight decay")
    if kind == SGD:
        if group.get("momentum", 0) != 0:
            raise _Unsupported(f"{who}.optimiser uses momentum (only plain SGD is supported)")
        if group.get("nesterov"):
            raise _Unsupported(f"{who}.optimiser uses Nesterov momentum")
        return {"kind": SGD, "opt": opt, "lr": float(group["lr"]), "betas": (0.0, 0.0), "eps": 0.0}
    if group.get("amsgrad"):
        raise _Unsupported(f"{who}.optimiser uses amsgrad")
    if group.get("fused") or group.get("capturable"):
        raise _Unsupported(f"{who}.optimiser uses fused or capturable Adam")
    if group.get("decoupled_weight_decay"):
        raise _Unsupported(f"{who}.optimiser uses decoupled weight decay")
    b1, b2 = group["betas"]
    if isinstance(b1, torch.Tensor) or isinstance(b2, torch.Tensor):
        raise _Unsupported(f"{who}.optimiser has tensor betas")
    return {"kind": ADAM, "opt": opt, "lr": float(group["lr"]), "betas": (float(b1), float(b2)),
            "eps": float(group["eps"])}


def _loss(D):
    loss = getattr(D, "loss_function", None)
    if type(loss) is nn.MSELoss:
        kind = MSE
    elif type(loss) is nn.BCELoss:
        kind = BCE
        if loss.weight is not None:
            raise _Unsupported("D.loss_function is a weighted BCELoss")
    else:
        raise _Unsupported(f"D.loss_function is {type(loss).__name__} (supported: MSELoss, BCELoss)")
    if loss.reduction not in ("mean", "sum"):  # one output value: both give the same loss
        raise _Unsupported(f"D.loss_function has reduction={loss.reduction!r}")
    return kind


def _methods(model, who, cls_name):
    for name in ("forward", "train"):
        method = getattr(type(model), name, None)
        qualname = getattr(method, "__qualname__", "")
        if qualname != f"{cls_name}.{name}":
            raise _Unsupported(f"{who}.{name} is {qualname or 'missing'}, not the listing's {cls_name}.{name}")
    for name in ("counter", "progress"):
        if not hasattr(model, name):
            raise _Unsupported(f"{who} has no {name} attribute")


def _check_tensors(tensors, who):
    for p in tensors:
        if p is None:
            continue
        if p.device.type != "cpu":
            raise _Unsupported(f"{who}'s parameters are on {p.device}, the fast engine runs on the CPU only")
        if p.dtype != torch.float32:
            raise _Unsupported(f"{who}'s parameters are {p.dtype}, not float32")
        if not p.is_contiguous():
            raise _Unsupported(f"{who} has a non-contiguous parameter")
        if not p.requires_grad:
            raise _Unsupported(f"{who} has a frozen parameter (requires_grad=False)")


def _describe(D, G, device):
    if torch.device(device).type != "cpu":
        raise _Unsupported(f"device is {device}; the fast engine runs on the CPU only")
    _methods(D, "D", "Discriminator")
    _methods(G, "G", "Generator")
    d_first, d_hidden, d_last = _structure(D, "D", n_out=1)
    n_in = d_first.in_features
    g_first, g_hidden, g_last = _structure(G, "G", n_out=n_in)
    d_params, g_params = _params(d_first, d_hidden, d_last), _params(g_first, g_hidden, g_last)
    _check_tensors(d_params, "D")
    _check_tensors(g_params, "G")
    return {
        "n_in": n_in, "noise_size": g_first.in_features, "loss": _loss(D),
        "D": {"params": d_params, "hidden": d_hidden, "opt": _optimiser(D, "D", d_params)},
        "G": {"params": g_params, "hidden": g_hidden, "opt": _optimiser(G, "G", g_params)},
    }


def _probe_noise(generate_noise, noise_size):
    """Call generate_noise once without disturbing PyTorch's random numbers; check what it returns."""
    with torch.random.fork_rng(devices=[]):
        seed = generate_noise(noise_size)
    if not isinstance(seed, torch.Tensor):
        raise _Unsupported(f"generate_noise returns {type(seed).__name__}, not a tensor")
    if seed.device.type != "cpu" or seed.dtype != torch.float32 or tuple(seed.shape) != (noise_size,):
        raise _Unsupported(f"generate_noise({noise_size}) gives a {seed.dtype} tensor of shape {tuple(seed.shape)} "
                           f"on {seed.device}, expected float32 ({noise_size},) on the CPU")


def unsupported_reason(D, G, generate_noise, device) -> str | None:
    """Why the fast engine cannot train this D and G on ``device`` (a sentence), or None if it can."""
    try:
        info = _describe(D, G, device)
        if not callable(generate_noise):
            raise _Unsupported("generate_noise is not callable")
        _probe_noise(generate_noise, info["noise_size"])
    except _Unsupported as why:
        return str(why)
    return None


# --------------------------------------------------------------- the kernels
@njit(cache=True, fastmath=_FM, error_model="numpy")
def _dot(a, b):
    acc = _F0
    for i in range(a.size):
        acc += a[i] * b[i]
    return acc


@njit(cache=True, error_model="numpy")
def _sigmoid(z):
    return _F1 / (_F1 + np.exp(-z))


@njit(cache=True, fastmath=_FM, error_model="numpy")
def _hidden_forward(z, act, gamma, beta, eps, slope, xhat, y, a):
    """a = act(z). For LayerNorm+LeakyReLU, keep xhat and y (LayerNorm output); return rstd."""
    n = z.size
    if act == SIGMOID:
        for j in range(n):
            a[j] = _F1 / (_F1 + np.exp(-z[j]))
        return _F0
    mean = _F0
    for j in range(n):
        mean += z[j]
    mean = mean / np.float32(n)
    var = _F0
    for j in range(n):
        d = z[j] - mean
        var += d * d
    var = var / np.float32(n)
    rstd = _F1 / np.sqrt(var + eps)
    has_g = gamma.size > 0
    has_b = beta.size > 0
    for j in range(n):
        xh = (z[j] - mean) * rstd
        xhat[j] = xh
        yj = xh
        if has_g:
            yj = yj * gamma[j]
        if has_b:
            yj = yj + beta[j]
        y[j] = yj
        a[j] = yj if yj > _F0 else yj * slope
    return rstd


@njit(cache=True, fastmath=_FM, error_model="numpy")
def _hidden_backward(da, act, a, xhat, y, rstd, gamma, slope, dy, dz):
    """dz from da (dL/d activation); dy keeps dL/d(LayerNorm output) for gamma's and beta's grads."""
    n = da.size
    if act == SIGMOID:
        for j in range(n):
            dz[j] = da[j] * (_F1 - a[j]) * a[j]
        return
    has_g = gamma.size > 0
    s1 = _F0
    s2 = _F0
    for j in range(n):
        d = da[j] if y[j] > _F0 else da[j] * slope
        dy[j] = d
        dxh = d * gamma[j] if has_g else d
        s1 += dxh
        s2 += dxh * xhat[j]
    s1 = s1 / np.float32(n)
    s2 = s2 / np.float32(n)
    for j in range(n):
        dxh = dy[j] * gamma[j] if has_g else dy[j]
        dz[j] = rstd * (dxh - s1 - xhat[j] * s2)


@njit(cache=True, error_model="numpy")
def _output_grad(o, target, loss_kind):
    """(loss, dL/du) for o = sigmoid(u), as torch's MSELoss/BCELoss backward then Sigmoid backward."""
    if loss_kind == MSE:
        diff = o - target
        loss = diff * diff
        dlo = _F2 * diff
    else:
        log_o = max(np.log(o), _LOG_MIN)
        log_1mo = max(np.log1p(-o), _LOG_MIN)
        loss = (target - _F1) * log_1mo - target * log_o
        dlo = (o - target) / max((_F1 - o) * o, _BCE_EPS)
    return loss, dlo * (_F1 - o) * o


@njit(cache=True, error_model="numpy")
def _adam_scalars(step, lr, beta1, beta2, eps):
    """The per-step constants of torch's single-tensor Adam, cast to float32 as its kernels do."""
    bc1 = 1.0 - beta1 ** step
    bc2 = 1.0 - beta2 ** step
    step_size = lr / bc1
    w1 = np.float32(1.0 - beta1)
    return (w1, _F1 - w1, np.float32(beta2), np.float32(1.0 - beta2),
            np.float32(bc2 ** 0.5), np.float32(eps), np.float32(-step_size))


@njit(cache=True, error_model="numpy", inline="always")
def _lerp(m, g, w, omw):
    """exp_avg.lerp_(grad, w) as ATen computes it (two formulas, for accuracy on either side of 0.5)."""
    return m + w * (g - m) if w < np.float32(0.5) else g - (g - m) * omw


@njit(cache=True, fastmath=_FM, error_model="numpy")
def _update_vec(p, m, v, gscale, gvec, kind, lr32, ad):
    """p -= update for grad = gscale * gvec (gvec None-like when size 0: grad = gscale)."""
    n = p.size
    if kind == SGD:
        for i in range(n):
            p[i] = p[i] + lr32 * (gscale * gvec[i])
        return
    w1, omw1, b2, omb2, bc2s, eps, nss = ad
    for i in range(n):
        g = gscale * gvec[i]
        mi = m[i]
        mi = _lerp(mi, g, w1, omw1)
        vi = v[i] * b2 + omb2 * g * g
        m[i] = mi
        v[i] = vi
        p[i] = p[i] + nss * mi / (np.sqrt(vi) / bc2s + eps)


@njit(cache=True, fastmath=_FM, error_model="numpy")
def _update_row_dot(p, m, v, gscale, gvec, kind, lr32, ad, nxt):
    """Update row p with grad gscale * gvec, then return dot(new p, nxt): one pass over the row."""
    n = p.size
    acc = _F0
    if kind == SGD:
        for i in range(n):
            pi = p[i] + lr32 * (gscale * gvec[i])
            p[i] = pi
            acc += pi * nxt[i]
        return acc
    w1, omw1, b2, omb2, bc2s, eps, nss = ad
    for i in range(n):
        g = gscale * gvec[i]
        mi = m[i]
        mi = _lerp(mi, g, w1, omw1)
        vi = v[i] * b2 + omb2 * g * g
        pi = p[i] + nss * mi / (np.sqrt(vi) / bc2s + eps)
        m[i] = mi
        v[i] = vi
        p[i] = pi
        acc += pi * nxt[i]
    return acc


@njit(cache=True, fastmath=_FM, error_model="numpy")
def _update_row_backprop(p, m, v, gscale, gvec, kind, lr32, ad, dh):
    """dh += gscale * (old p); then update row p with grad gscale * gvec."""
    n = p.size
    if kind == SGD:
        for i in range(n):
            pi = p[i]
            dh[i] += gscale * pi
            p[i] = pi + lr32 * (gscale * gvec[i])
        return
    w1, omw1, b2, omb2, bc2s, eps, nss = ad
    for i in range(n):
        pi = p[i]
        dh[i] += gscale * pi
        g = gscale * gvec[i]
        mi = m[i]
        mi = _lerp(mi, g, w1, omw1)
        vi = v[i] * b2 + omb2 * g * g
        m[i] = mi
        v[i] = vi
        p[i] = pi + nss * mi / (np.sqrt(vi) / bc2s + eps)


@njit(cache=True, error_model="numpy")
def _small_updates(P, M, V, kind, lr32, ad, dz, a, dy, xhat, du, has_ln):
    """Update the bias, LayerNorm and output-layer parameters of D (everything except W1)."""
    W1, b1, gam, bet, w2, b2 = P
    mW1, mb1, mgam, mbet, mw2, mb2 = M
    vW1, vb1, vgam, vbet, vw2, vb2 = V
    ones = np.ones(1, dtype=np.float32)
    _update_vec(w2, mw2, vw2, du, a, kind, lr32, ad)
    _update_vec(b2, mb2, vb2, du, ones, kind, lr32, ad)
    if has_ln and gam.size > 0:
        tmp = dy * xhat
        _update_vec(gam, mgam, vgam, _F1, tmp, kind, lr32, ad)
    if has_ln and bet.size > 0:
        _update_vec(bet, mbet, vbet, _F1, dy, kind, lr32, ad)
    _update_vec(b1, mb1, vb1, _F1, dz, kind, lr32, ad)


@njit(cache=True, error_model="numpy")
def _opt_scalars(kind, step, hp):
    """(lr as float32 with sign for SGD, Adam constants) for the next optimiser step."""
    lr, beta1, beta2, eps = hp[0], hp[1], hp[2], hp[3]
    if kind == ADAM:
        return np.float32(0.0), _adam_scalars(step, lr, beta1, beta2, eps)
    return np.float32(-lr), (_F0, _F0, _F0, _F0, _F1, _F0, _F0)


@njit(cache=True, fastmath=_FM, error_model="numpy")
def _d_head(hz, P, act, eps, slope, target, loss_kind, z, xhat, y, a, da, dy, dz):
    """From hz = W1·input: finish D's forward, its loss and the backward pass down to dz.

    Returns (loss, du, rstd), du = dL/d(output pre-activation)."""
    W1, b1, gam, bet, w2, b2 = P
    n = hz.size
    for j in range(n):
        z[j] = hz[j] + b1[j]
    rstd = _hidden_forward(z, act, gam, bet, eps, slope, xhat, y, a)
    u = _dot(w2, a) + b2[0]
    o = _sigmoid(u)
    loss, du = _output_grad(o, target, loss_kind)
    for j in range(n):
        da[j] = du * w2[j]
    _hidden_backward(da, act, a, xhat, y, rstd, gam, slope, dy, dz)
    return loss, du, rstd


# How one iteration walks over D's big first-layer matrix W1 (H x 784) and G's last one V2 (784 x H):
#   G forward   one pass over V2: G(seed_a) and G(seed_b) together (G does not change before step 3)
#   step 1      W1 · image was computed by the previous iteration's last pass (W1 unchanged since)
#   steps 1->2  one pass over W1: apply step 1's update to row j, then row j · G(seed_a)
#   steps 2->3  one pass over W1: apply step 2's update to row j, then row j · G(seed_b)
#   step 3      one pass over W1: W1^T dz into G's image (D's own grads are never applied),
#               fused with the next image's W1 · image; one pass over V2: backprop to G's hidden
#               layer with the old row, then update the row.
# error_model="numpy": float division without Python's zero check, which would stop vectorisation.
@njit(cache=True, fastmath=_FM, error_model="numpy")
def _train_chunk(X, start, seeds, DP, DM, DV, GP, GM, GV, icfg, d_hp, g_hp, steps, d_losses, g_losses):
    """Run listing 08's three steps for images X[start : start + len(seeds)], in order.

    seeds[k, 0] is sample k's seed_a (step 2), seeds[k, 1] its seed_b (step 3).
    icfg = (loss, D act, D opt, G act, G opt); d_hp/g_hp = (lr, beta1, beta2, eps,
    LayerNorm eps, LeakyReLU slope); steps = (D's step count, G's), updated.
    """
    loss_kind, d_act, d_opt, g_act, g_opt = icfg[0], icfg[1], icfg[2], icfg[3], icfg[4]
    d_ln_eps, d_slope = np.float32(d_hp[4]), np.float32(d_hp[5])
    g_ln_eps, g_slope = np.float32(g_hp[4]), np.float32(g_hp[5])
    W1 = DP[0]
    mW1, vW1 = DM[0], DV[0]
    V1, c1, ggam, gbet, V2, c2 = GP
    mV1, mc1, mggam, mgbet, mV2, mc2 = GM
    vV1, vc1, vggam, vgbet, vV2, vc2 = GV
    HD, NI = W1.shape
    NO, HG = V2.shape
    n = seeds.shape[0]
    f32 = np.float32
    # work vectors
    hx = np.empty(HD, f32)  # W1 · (current D input)
    z = np.empty(HD, f32)
    xh = np.empty(HD, f32)
    yy = np.empty(HD, f32)
    aa = np.empty(HD, f32)
    da = np.empty(HD, f32)
    dy = np.empty(HD, f32)
    dz = np.empty(HD, f32)
    ga = np.empty(NO, f32)
    gb = np.empty(NO, f32)
    dgo = np.empty(NO, f32)
    zg = np.empty(HG, f32)
    xha = np.empty(HG, f32)
    ya = np.empty(HG, f32)
    ha = np.empty(HG, f32)
    xhb = np.empty(HG, f32)
    yb = np.empty(HG, f32)
    hb = np.empty(HG, f32)
    dhg = np.empty(HG, f32)
    dyg = np.empty(HG, f32)
    dzg = np.empty(HG, f32)
    d_has_ln = d_act == LN_LEAKY
    g_has_ln = g_act == LN_LEAKY

    # step 1's forward product for the first image (later ones are fused into step 3's backward pass)
    x = X[start]
    for j in range(HD):
        hx[j] = _dot(W1[j], x)

    for k in range(n):
        x = X[start + k]
        sa = seeds[k, 0]
        sb = seeds[k, 1]
        # --- G's two images with the G of this iteration (unchanged until step 3's update)
        for j in range(HG):
            zg[j] = _dot(V1[j], sa) + c1[j]
        _hidden_forward(zg, g_act, ggam, gbet, g_ln_eps, g_slope, xha, ya, ha)
        for j in range(HG):
            zg[j] = _dot(V1[j], sb) + c1[j]
        g_rstd = _hidden_forward(zg, g_act, ggam, gbet, g_ln_eps, g_slope, xhb, yb, hb)
        for i in range(NO):
            row = V2[i]
            acc_a = _F0
            acc_b = _F0
            for j in range(HG):
                acc_a += row[j] * ha[j]
                acc_b += row[j] * hb[j]
            ga[i] = _sigmoid(acc_a + c2[i])
            gb[i] = _sigmoid(acc_b + c2[i])

        # --- step 1: D on the real image, target 1; update fused with step 2's forward product
        loss, du, rstd = _d_head(hx, DP, d_act, d_ln_eps, d_slope, _F1, loss_kind, z, xh, yy, aa, da, dy, dz)
        d_losses[2 * k] = loss
        steps[0] += 1
        lr32, ad = _opt_scalars(d_opt, steps[0], d_hp)
        _small_updates(DP, DM, DV, d_opt, lr32, ad, dz, aa, dy, xh, du, d_has_ln)
        for j in range(HD):
            hx[j] = _update_row_dot(W1[j], mW1[j] if d_opt == ADAM else mW1[0], vW1[j] if d_opt == ADAM else vW1[0],
                                    dz[j], x, d_opt, lr32, ad, ga)

        # --- step 2: D on G(seed_a), target 0; update fused with step 3's forward product
        loss, du, rstd = _d_head(hx, DP, d_act, d_ln_eps, d_slope, _F0, loss_kind, z, xh, yy, aa, da, dy, dz)
        d_losses[2 * k + 1] = loss
        steps[0] += 1
        lr32, ad = _opt_scalars(d_opt, steps[0], d_hp)
        _small_updates(DP, DM, DV, d_opt, lr32, ad, dz, aa, dy, xh, du, d_has_ln)
        for j in range(HD):
            hx[j] = _update_row_dot(W1[j], mW1[j] if d_opt == ADAM else mW1[0], vW1[j] if d_opt == ADAM else vW1[0],
                                    dz[j], ga, d_opt, lr32, ad, gb)

        # --- step 3: D (not updated) scores G(seed_b), target 1; backward into G's image
        loss, du, rstd = _d_head(hx, DP, d_act, d_ln_eps, d_slope, _F1, loss_kind, z, xh, yy, aa, da, dy, dz)
        g_losses[k] = loss
        dgo[:] = _F0
        last = k == n - 1
        nx = X[start + k + 1] if not last else x
        for j in range(HD):
            row = W1[j]
            s = dz[j]
            if last:
                for i in range(NI):
                    dgo[i] += s * row[i]
            else:  # fused: the next image's step-1 product with the same (unchanged) row
                acc = _F0
                for i in range(NI):
                    w = row[i]
                    dgo[i] += s * w
                    acc += w * nx[i]
                hx[j] = acc
        for i in range(NO):
            dgo[i] = dgo[i] * (_F1 - gb[i]) * gb[i]
        # G's output layer: backprop to its hidden layer with the old weights, then update them
        steps[1] += 1
        lr32, ad = _opt_scalars(g_opt, steps[1], g_hp)
        dhg[:] = _F0
        for i in range(NO):
            _update_row_backprop(V2[i], mV2[i] if g_opt == ADAM else mV2[0], vV2[i] if g_opt == ADAM else vV2[0],
                                 dgo[i], hb, g_opt, lr32, ad, dhg)
        _update_vec(c2, mc2, vc2, _F1, dgo, g_opt, lr32, ad)
        _hidden_backward(dhg, g_act, hb, xhb, yb, g_rstd, ggam, g_slope, dyg, dzg)
        if g_has_ln and ggam.size > 0:
            tmp = dyg * xhb
            _update_vec(ggam, mggam, vggam, _F1, tmp, g_opt, lr32, ad)
        if g_has_ln and gbet.size > 0:
            _update_vec(gbet, mgbet, vgbet, _F1, dyg, g_opt, lr32, ad)
        for j in range(HG):
            _update_vec(V1[j], mV1[j] if g_opt == ADAM else mV1[0], vV1[j] if g_opt == ADAM else vV1[0],
                        dzg[j], sb, g_opt, lr32, ad)
        _update_vec(c1, mc1, vc1, _F1, dzg, g_opt, lr32, ad)


# ------------------------------------------------------------------ FastGAN
def _np(t):
    return t.detach().numpy()


class FastGAN:
    """Train ``D`` and ``G`` of listings 03/06/09 one sample at a time, as listing 08's ``train_gan``.

    ``FastGAN(D, G, generate_noise, noise_size).train_epoch(images)`` is one epoch of
    ``train_gan(D, G, dataset, generate_noise, noise_size)`` over the same images.
    Parameters, Adam state, ``counter`` and ``progress`` are updated in place; the
    parameters' ``.grad`` are left as they were (the listing's next step zeroes them).
    Call ``unsupported_reason`` first; the constructor raises ValueError otherwise.
    """

    def __init__(self, D, G, generate_noise, noise_size: int, chunk: int = CHUNK):
        try:
            info = _describe(D, G, "cpu")
        except _Unsupported as why:
            raise ValueError(f"the fast engine cannot train these models: {why}") from None
        if noise_size != info["noise_size"]:
            raise ValueError(f"noise_size {noise_size} does not match G's {info['noise_size']} inputs")
        self.D, self.G = D, G
        self.generate_noise, self.noise_size, self.chunk = generate_noise, noise_size, chunk
        self.info = info

    # -- parameters and optimiser state as numpy views of the torch tensors (fetched anew each
    #    epoch: load_state_dict on the optimiser replaces its state tensors)
    @staticmethod
    def _arrays(part, output_vector=False):
        """Parameters in kernel order, absent ones empty; D's (1, H) output weight as a vector."""
        out = []
        for i, p in enumerate(part["params"]):
            if p is None:
                out.append(np.zeros(0, np.float32))
            elif i == 4 and output_vector:
                out.append(_np(p).reshape(-1))
            else:
                out.append(_np(p))
        return out

    @staticmethod
    def _state_arrays(part, P):
        """(exp_avg views, exp_avg_sq views, step tensors) for Adam; small dummies for SGD."""
        opt = part["opt"]
        if opt["kind"] == SGD:
            dummies = [np.zeros((1,) * a.ndim, np.float32) for a in P]
            return dummies, dummies, []
        state = opt["opt"].state
        m, v, step_tensors = [], [], []
        for p, a in zip(part["params"], P):
            if p is None:
                m.append(a)
                v.append(a)
                continue
            st = state[p]
            if len(st) == 0:  # what torch.optim.Adam creates at its first step
                st["step"] = torch.tensor(0.0, dtype=torch.float32)
                st["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                st["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            for key in ("exp_avg", "exp_avg_sq"):
                t = st[key]
                if t.dtype != torch.float32 or not t.is_contiguous() or t.shape != p.shape or t.device.type != "cpu":
                    raise ValueError(f"Adam state {key} does not match its parameter")
            m.append(_np(st["exp_avg"]).reshape(a.shape))
            v.append(_np(st["exp_avg_sq"]).reshape(a.shape))
            step_tensors.append(st["step"])
        if len({float(t) for t in step_tensors}) > 1:
            raise ValueError("Adam step counts differ between parameters of one model")
        return m, v, step_tensors

    def train_epoch(self, images, desc: str = "GAN fast") -> None:
        """One pass over ``images`` ((N, n_in) float32 in [0, 1], in order), as listing 08's train_gan."""
        D, G, info = self.D, self.G, self.info
        X = images.detach()
        if X.device.type != "cpu":
            raise ValueError("the fast engine trains from images on the CPU")
        X = X.to(torch.float32).contiguous().numpy()
        if X.ndim != 2 or X.shape[1] != info["n_in"]:
            raise ValueError(f"images must be (N, {info['n_in']}), not {X.shape}")
        DP, GP = tuple(self._arrays(info["D"], output_vector=True)), tuple(self._arrays(info["G"]))
        dm, dv, d_steps = self._state_arrays(info["D"], DP)
        gm, gv, g_steps = self._state_arrays(info["G"], GP)
        DM, DV, GM, GV = tuple(dm), tuple(dv), tuple(gm), tuple(gv)
        icfg = np.array([info["loss"], info["D"]["hidden"]["act"], info["D"]["opt"]["kind"],
                         info["G"]["hidden"]["act"], info["G"]["opt"]["kind"]], np.int64)

        def hp(part):
            o, h = part["opt"], part["hidden"]
            return np.array([o["lr"], o["betas"][0], o["betas"][1], o["eps"], h["eps"], h["slope"]], np.float64)

        d_hp, g_hp = hp(info["D"]), hp(info["G"])
        # optimiser steps taken so far (Adam's bias correction needs them; SGD ignores them)
        steps = np.array([float(d_steps[0]) if d_steps else 0.0, float(g_steps[0]) if g_steps else 0.0])
        S = self.noise_size
        N = X.shape[0]
        with progress(None, desc, total=N) as bar:
            for start in range(0, N, self.chunk):
                n = min(self.chunk, N - start)
                draws = []
                for _ in range(2 * n):  # seed_a then seed_b per image, as listing 08 draws them
                    draws.append(self.generate_noise(S))
                seeds = torch.stack(draws).reshape(n, 2, S)
                if seeds.dtype != torch.float32:
                    raise ValueError(f"generate_noise returned {seeds.dtype}, expected float32")
                seeds = seeds.contiguous().numpy()
                d_losses = np.empty(2 * n, np.float32)
                g_losses = np.empty(n, np.float32)
                _train_chunk(X, start, seeds, DP, DM, DV, GP, GM, GV, icfg, d_hp, g_hp, steps,
                             d_losses, g_losses)
                for t in d_steps:
                    t.fill_(steps[0])
                for t in g_steps:
                    t.fill_(steps[1])
                self._record(D, d_losses)
                self._record(G, g_losses)
                bar.update(n)

    @staticmethod
    def _record(model, losses):
        """counter += 1 per loss, and progress gets every loss whose counter is a multiple of 10."""
        counters = model.counter + np.arange(1, len(losses) + 1)
        model.progress.extend(losses[counters % 10 == 0].tolist())
        model.counter += len(losses)
