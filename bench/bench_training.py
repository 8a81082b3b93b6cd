"""Speed of one GAN training iteration (listing 08's three steps): the listing's code against the fast engine.

    make bench                      # or: python bench/bench_training.py [--listing-iters N] [--fast-iters N]

For the first GAN (listings 03/06/08) and the improved GAN (listing 09) it
prints microseconds per three-step iteration through ``train_gan`` as printed
in the book and through ``gankit.fast.FastGAN``, their ratio, and the projected
time for 10 epochs of 60,000 images. Data: the full MNIST when ``GANBOOK_DATA``
points at it, else the built-in subset (the speed does not depend on it much).

Both engines are warmed up first (the fast engine's first call compiles or loads
its numba cache). Wall time is what a reader waits; CPU time is printed beside
it because the machine may be shared: when other processes hold the cores, wall
time grows while CPU time stays. PyTorch runs the listing with one thread unless
``--torch-threads`` says otherwise: its per-sample operations are too small to
gain from threads, and on a busy CPU extra threads make it many times slower.
Progress bars are switched off so they do not mix with the table. Prints numbers
only; nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # before tqdm is imported
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

import torch  # noqa: E402

import gankit  # noqa: E402
from gankit.cli import CLEAR_ERRORS, positive_int  # noqa: E402
from gankit.storage import check_writable  # noqa: E402
from chapter_2_3_2_02 import MnistDataset  # noqa: E402
from chapter_2_3_2_03 import Discriminator  # noqa: E402
from chapter_2_3_2_04 import generate_random  # noqa: E402
from chapter_2_3_2_06 import Generator  # noqa: E402
from chapter_2_3_2_08 import train_gan  # noqa: E402
from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator, generate_normal_noise  # noqa: E402

EPOCHS, IMAGES = 10, 60_000
GANS = {
    "first GAN": (lambda: (Discriminator(), Generator()), generate_random, 1),
    "improved GAN": (lambda: (ImprovedDiscriminator(), ImprovedGenerator()), generate_normal_noise, 100),
}


class Slice:
    """Samples start..stop-1 of the listing's dataset, iterated as train_gan iterates a dataset."""

    def __init__(self, dataset, start, stop):
        self.dataset, self.start, self.stop = dataset, start, stop

    def __len__(self):
        return self.stop - self.start

    def __getitem__(self, i):
        if i >= len(self):
            raise IndexError(i)
        return self.dataset[self.start + i]


def timed(fn, iterations):
    """(wall µs, CPU µs) per iteration."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return ((time.perf_counter() - wall) / iterations * 1e6, (time.process_time() - cpu) / iterations * 1e6)


def listing_speed(make, generate_noise, noise_size, dataset, warmup, iterations):
    torch.manual_seed(0)
    D, G = make()
    train_gan(D, G, Slice(dataset, 0, warmup), generate_noise, noise_size)
    return timed(lambda: train_gan(D, G, Slice(dataset, warmup, warmup + iterations), generate_noise, noise_size),
                 iterations)


def fast_speed(make, generate_noise, noise_size, images, warmup, iterations):
    from gankit.fast import FastGAN

    torch.manual_seed(0)
    D, G = make()
    trainer = FastGAN(D, G, generate_noise, noise_size)
    trainer.train_epoch(images[:warmup], desc="warm-up")
    return timed(lambda: trainer.train_epoch(images[warmup:warmup + iterations], desc="fast"), iterations)


def minutes(us_per_iteration):
    return us_per_iteration * EPOCHS * IMAGES / 60e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--listing-iters", type=positive_int, default=1000, help="timed iterations of the listing's code")
    parser.add_argument("--fast-iters", type=positive_int, default=2000, help="timed iterations of the fast engine")
    parser.add_argument("--warmup", type=positive_int, default=200, help="untimed iterations before each measurement")
    parser.add_argument("--torch-threads", type=positive_int, default=1, help="PyTorch threads for the listing's code")
    parser.add_argument("--record", action="store_true",
                        help="store the numbers in results/chapter_metrics.json, where the book reads them")
    args = parser.parse_args(argv)
    settings = gankit.settings
    try:  # settings and, with --record, the results folder: before measuring (exit status 2)
        settings.check()
        if args.record:
            check_writable(gankit.results_dir(None), f"${settings.RESULTS_ENV}")
    except CLEAR_ERRORS as err:
        parser.exit(2, f"error: {err}\n")
    try:
        if args.record:  # a corrupt metrics file is found now, not after minutes of measuring
            gankit.read_metrics(gankit.results_dir(None))
        return measure(args, parser)
    except CLEAR_ERRORS as err:
        parser.exit(1, f"error: {err}\n")


def measure(args, parser):
    settings = gankit.settings
    source = os.environ.get(settings.DATA_ENV) or "builtin"
    need = args.warmup + max(args.listing_iters, args.fast_iters)
    dataset = MnistDataset(source, limit=need)
    if len(dataset) < need:
        parser.exit(2, f"error: {len(dataset)} images, need {need}; lower --listing-iters/--fast-iters\n")
    torch.set_num_threads(args.torch_threads)

    print(dataset.data.describe())
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} hardware threads, "
          f"{len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} usable; "
          f"torch {torch.__version__} with {torch.get_num_threads()} thread(s) for the listing; "
          f"fast engine: numba, 1 thread")
    print("load average (1, 5, 15 min) before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"timed iterations: listing {args.listing_iters}, fast {args.fast_iters} (after {args.warmup} warm-up each)")
    print()
    header = (f"{'':14s}{'listing µs/it':>15s}{'(CPU)':>8s}{'fast µs/it':>12s}{'(CPU)':>8s}"
              f"{'ratio':>8s}{'10 epochs listing':>19s}{'fast':>9s}")
    print(header)
    measured = {}
    for name, (make, generate_noise, noise_size) in GANS.items():
        lw, lc = listing_speed(make, generate_noise, noise_size, dataset, args.warmup, args.listing_iters)
        fw, fc = fast_speed(make, generate_noise, noise_size, dataset.images, args.warmup, args.fast_iters)
        print(f"{name:14s}{lw:15.0f}{lc:8.0f}{fw:12.0f}{fc:8.0f}{lw / fw:7.1f}x"
              f"{minutes(lw):15.1f} min{minutes(fw):5.1f} min", flush=True)
        key = "bench_" + name.split()[0]  # bench_first / bench_improved
        # the book quotes CPU time: on a busy machine wall time measures the neighbours too
        measured.update({f"{key}_listing_ms": lc / 1000, f"{key}_fast_ms": fc / 1000,
                         f"{key}_listing_10_epochs_min": minutes(lc), f"{key}_fast_10_epochs_min": minutes(fc)})
    if args.record:
        reference = gankit.results_dir(None)  # speed does not depend on the data: the book's numbers
        gankit.record_metrics(reference, bench_threads=os.cpu_count(), **measured)
        print(f"recorded in {gankit.paths.relative(reference / gankit.results.METRICS_FILE)}")
    print()
    print("load average (1, 5, 15 min) after:  " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"10 epochs = {EPOCHS * IMAGES:,} iterations, projected from wall time per iteration.")


if __name__ == "__main__":
    main()
