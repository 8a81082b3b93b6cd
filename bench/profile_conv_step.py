"""Where one training step of listing 11 (the convolutional GAN) spends its CPU time.

    make profile-conv
    python bench/profile_conv_step.py [--seconds S] [--batch-size N]

One step is listing 10's ``train_gan_batches`` body for one mini-batch of listing 11: index the
batch, 第1步 (D on real images), 第2步 (G makes images, detached; D on them), 第3步 (G through D)
and the moving average's update. Two tables, measured in one run on one PyTorch thread (the
budget's definition):

1. **Phases**: the CPU time of each part of a step, from the step's own calls timed one by one.
2. **What each ingredient and each speed-up costs**: the whole step of the listing as printed
   (the baseline, timed again in the same run between the other rows) beside the same step
   without spectral normalisation, without the moving average, with batch normalisation, the
   hinge loss and twice D's learning rate added (the richer recipe), with twice the channels in G,
   with ``channels_last`` tensors, with a larger batch (per image), and with ``torch.compile``
   where it works on this machine. Those rows show what a step would save or cost, not whether
   the recipe still works so (that is the convolutional GAN's ingredient run).

Times are CPU seconds (``time.process_time``) per step, the median of several blocks; the load
average is printed, since a busy machine lengthens even CPU time (shared caches). Nothing is
asserted and nothing is written.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # before tqdm is imported
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

import torch  # noqa: E402

import gankit  # noqa: E402
from gankit.cli import CLEAR_ERRORS, positive_int  # noqa: E402
from gankit.console import pad, safe_output  # noqa: E402
import chapter_2_3_2_11 as L11  # noqa: E402
from chapter_2_3_2_02 import MnistDataset  # noqa: E402
from chapter_2_3_2_06 import Generator  # noqa: E402
from chapter_2_3_2_09 import generate_normal_noise  # noqa: E402
from experiments.conv_gan import (NoSpectralNormDiscriminator, RicherDiscriminator,  # noqa: E402
                                  RicherGenerator, WideGenerator)

SECONDS = 3.0  # CPU time each row is measured for (in 5 blocks), after a warm-up of 20 steps
BLOCKS = 5  # the median of this many blocks is the row's number
WARMUP_STEPS = 20  # steps before timing: the allocator and Adam's state settle
NOISE = 100  # the generator's input size in listing 11


def make_models(seed=0, D=L11.ConvDiscriminator, G=L11.ConvGenerator):
    """Listing 11's two networks (or an ingredient-removal arm's), as its __main__ makes them."""
    torch.manual_seed(seed)
    return D(), G()


def one_step(D, G, images, batch, update_average=True):
    """The three steps for one mini-batch, as listing 10's loop makes them."""
    real = images[batch]
    n = len(real)
    ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
    D.train(real, ones)
    D.train(G.forward(generate_normal_noise((n, NOISE))).detach(), zeros)
    if update_average:
        G.train(D, generate_normal_noise((n, NOISE)), ones)
    else:
        Generator.train(G, D, generate_normal_noise((n, NOISE)), ones)  # step 3 without the average


def cpu_per_step(step, batches, seconds):
    """Median CPU seconds per call of ``step(batch)`` over BLOCKS blocks of ``seconds / BLOCKS``."""
    it = iter(batches)
    for _ in range(WARMUP_STEPS):
        step(next(it))
    per_block = []
    for _ in range(BLOCKS):
        start, calls = time.process_time(), 0
        while time.process_time() - start < seconds / BLOCKS:
            step(next(it))
            calls += 1
        per_block.append((time.process_time() - start) / calls)
    return statistics.median(per_block)


def endless_batches(n_images, batch_size, seed=0):
    """Shuffled mini-batches of indices, epoch after epoch, all full (a short last batch is left out)."""
    g = torch.Generator().manual_seed(seed)
    while True:
        yield from torch.randperm(n_images, generator=g)[: n_images // batch_size * batch_size].split(batch_size)


def load() -> str:
    """The 1-minute load average, where the system has one."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "–"


def phases(images, batch_size, seconds):
    """CPU seconds of each phase of a step (each call timed on its own)."""
    D, G = make_models()
    names = ["取小批量", "第1步：判别器（真实图像）", "生成图像（第2步的输入）",
             "第2步：判别器（生成图像）", "第3步：生成器", "权重的滑动平均"]
    totals = dict.fromkeys(names, 0.0)
    clock = time.process_time

    def step(batch):
        t = [clock()]
        real = images[batch]
        n = len(real)
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
        t.append(clock())
        D.train(real, ones)
        t.append(clock())
        fake = G.forward(generate_normal_noise((n, NOISE))).detach()
        t.append(clock())
        D.train(fake, zeros)
        t.append(clock())
        Generator.train(G, D, generate_normal_noise((n, NOISE)), ones)
        t.append(clock())
        G.average.update_parameters(G.model)
        t.append(clock())
        for name, a, b in zip(names, t, t[1:]):
            totals[name] += b - a

    batches = endless_batches(len(images), batch_size)
    for _ in range(WARMUP_STEPS):
        step(next(batches))
    totals.update(dict.fromkeys(names, 0.0))
    steps, start = 0, clock()
    while clock() - start < seconds:
        step(next(batches))
        steps += 1
    return {name: total / steps for name, total in totals.items()}


def variants(batch_size):
    """(name, make() -> (D, G, step keyword arguments), batch size) of each row.

    The ingredient rows build the convolutional GAN experiment's own arms."""
    def plain():
        return (*make_models(), {})

    def no_sn():
        return (*make_models(D=NoSpectralNormDiscriminator), {})

    def no_ema():
        return (*make_models(), {"update_average": False})

    def richer():
        return (*make_models(D=RicherDiscriminator, G=RicherGenerator), {})

    def wide():
        return (*make_models(G=WideGenerator), {})

    def channels_last():
        D, G = make_models()
        D.model = D.model.to(memory_format=torch.channels_last)
        G.model = G.model.to(memory_format=torch.channels_last)
        return D, G, {}

    def compiled():
        D, G = make_models()
        D.model = torch.compile(D.model)
        G.model = torch.compile(G.model)
        return D, G, {}

    return [("清单 11（基线）", plain, batch_size),
            ("去掉谱归一化", no_sn, batch_size),
            ("去掉权重的指数滑动平均", no_ema, batch_size),
            ("加上批归一化等三样", richer, batch_size),
            ("生成器的通道加倍", wide, batch_size),
            ("channels_last", channels_last, batch_size),
            (f"小批量 {2 * batch_size}（按每 {batch_size} 张折算）", plain, 2 * batch_size),
            ("torch.compile", compiled, batch_size)]


def main(argv=None) -> int:
    safe_output()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=SECONDS, help=f"CPU seconds per row (default {SECONDS})")
    parser.add_argument("--batch-size", type=positive_int, default=L11.BATCH_SIZE,
                        help=f"the mini-batch (default listing 11's {L11.BATCH_SIZE})")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile row")
    args = parser.parse_args(argv)
    if args.batch_size < 2:
        parser.error("--batch-size: at least 2 (the richer row's batch normalisation needs 2 images per batch)")
    torch.set_num_threads(1)
    try:
        gankit.settings.check()
        images = MnistDataset(gankit.settings.data_source()).images
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"torch {torch.__version__} | 1 thread | load average {load()} | "
          f"batch {args.batch_size} | {args.seconds:g} CPU-s per row")
    print("\n1. 一步的各个部分（CPU 毫秒）")
    parts = phases(images, args.batch_size, args.seconds)
    total = sum(parts.values())
    for name, seconds in parts.items():
        print(f"   {pad(name, 28)}{1000 * seconds:8.2f}  {100 * seconds / total:5.1f}%")
    print(f"   {pad('合计', 28)}{1000 * total:8.2f}")
    print("\n2. 一步的 CPU 毫秒（每行之后重测基线）")
    for name, make, batch_size in variants(args.batch_size):
        if name == "torch.compile" and args.no_compile:
            continue
        try:
            D, G, kwargs = make()
            ms = 1000 * cpu_per_step(lambda b: one_step(D, G, images, b, **kwargs),
                                     endless_batches(len(images), batch_size), args.seconds)
        except Exception as err:  # torch.compile needs a C compiler; say why, keep the table
            lines = [line for line in str(err).splitlines() if line.strip()] or [""]
            print(f"   {pad(name, 34)}did not run: {type(err).__name__}: {lines[-1].strip()[:80]}")
            continue
        ms *= args.batch_size / batch_size  # per args.batch_size images
        D, G = make_models()
        base = 1000 * cpu_per_step(lambda b: one_step(D, G, images, b),
                                   endless_batches(len(images), args.batch_size), args.seconds)
        print(f"   {pad(name, 34)}{ms:8.2f}   基线 {base:6.2f}   {100 * (ms / base - 1):+6.1f}%"
              f"   load {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
