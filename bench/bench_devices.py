"""Speed of one training step of each model of the book, on every engine and device this machine has.

    make bench                      # this table after the listing-against-fast-engine one
    python bench/bench_devices.py [--seconds S] [--record]

Rows: the models of ``codes/manifest.toml`` (listings 05, 08, 09, 10, 11). Columns: the CPU
running the printed code, the CPU's fast engine (the per-sample GANs whose code is unchanged),
and CUDA and Apple MPS running the printed code where PyTorch sees them. A step is one sample
of a per-sample model (listing 05: one real image and one noise image; listings 08 and 09: the
three steps) and one mini-batch of a batched one. Each cell is the wall time per step in ms
(GPU work is synchronised before the clock is read); the CPU cells add their CPU time, since a
shared machine lengthens the wall time only. Beside each model: its training in the book
(steps x epochs the book shows) at the fastest measured speed, what ``--device auto`` and
``--engine auto`` pick on this machine (``gankit.device.pick_device``), and whether that is
the fastest measured column. Nothing is asserted; ``--record`` writes the table to
``results/tables/bench_devices.md`` and the numbers to ``results/bench_devices.json``.

The CPU runs with one PyTorch thread, as the listings' runs do. Data: ``GANBOOK_DATA`` when
set, else the built-in subset (a step's speed does not depend on which digits it sees).
"""
from __future__ import annotations

import argparse
import copy
import json
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
import manifest  # noqa: E402
from gankit.cli import CLEAR_ERRORS, trainer_of  # noqa: E402
from gankit.device import BATCHES, pick_device  # noqa: E402
from gankit.storage import atomic_write_text, check_writable  # noqa: E402
from gankit.tables import markdown  # noqa: E402
from chapter_2_3_2_02 import MnistDataset  # noqa: E402
from chapter_2_3_2_05 import train_on_real_and_noise  # noqa: E402
from chapter_2_3_2_08 import train_gan  # noqa: E402
import chapter_2_3_2_10 as L10  # noqa: E402

IMAGES = 60_000  # the full MNIST's training images: the steps of one epoch
SECONDS = 2.0  # how long each cell is timed, after a warm-up of a quarter of that
TABLE, NUMBERS = "bench_devices.md", "bench_devices.json"


def columns() -> list[tuple[str, str]]:
    """(device, engine) of each column this machine has."""
    found = [("cpu", "listing"), ("cpu", "fast")]
    if torch.cuda.is_available():
        found.append(("cuda", "listing"))
    backend = getattr(torch.backends, "mps", None)
    if backend and backend.is_available():
        found.append(("mps", "listing"))
    return found


def synchronise(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()
    elif device == "mps":
        torch.mps.synchronize()


def batch_size(model) -> int:
    """The mini-batch of a batched model: its listing's BATCH_SIZE (listing 10's by default)."""
    return getattr(sys.modules[model.listing[:-3]], "BATCH_SIZE", L10.BATCH_SIZE)


def stepper(model, device: str, engine: str, data: str):
    """(run(n): train n steps, supported) for one model on one column."""
    gankit.use_device(device)
    torch.manual_seed(0)
    D, G = model.build()
    per_step = batch_size(model) if model.trainer == BATCHES else 1
    dataset = MnistDataset(data, limit=min(IMAGES, 4000))
    if engine == "fast":
        if model.trainer == BATCHES or G is None:
            return None, False
        from gankit.fast import FastGAN, unsupported_reason

        if unsupported_reason(D, G, model.noise, torch.device(device)) is not None:
            return None, False
        trainer = FastGAN(D, G, model.noise, model.noise_size)

        def run(n):
            n = min(n, len(dataset))
            trainer.train_epoch(dataset.images[:n], desc="fast")
            return n
        return run, True
    loop = getattr(sys.modules[model.listing[:-3]], "train_gan_batches", L10.train_gan_batches)

    def run(n):
        part = copy.copy(dataset)  # the first n steps' images of the dataset loaded once
        part.labels, part.images = dataset.labels[:n * per_step], dataset.images[:n * per_step]
        if model.trainer == BATCHES:
            loop(D, G, part, per_step)
        elif G is None:
            train_on_real_and_noise(D, part)
        else:
            train_gan(D, G, part, model.noise, model.noise_size)
        return -(-len(part) // per_step)  # the steps done: the last mini-batch may be short
    return run, True


def time_steps(run, device: str, seconds: float) -> tuple[float, float]:
    """(wall ms, CPU ms) per step: more steps until one measurement lasts about ``seconds``
    (or the data runs out)."""
    run(1)  # warm-up: compilation, caches, the GPU's first kernels
    synchronise(device)
    steps = 1
    while True:
        wall, cpu = time.perf_counter(), time.process_time()
        done = run(steps)
        synchronise(device)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall >= seconds / 2 or done < steps:
            return wall / done * 1e3, cpu / done * 1e3
        steps = max(2 * steps, int(steps * seconds / max(wall, 1e-6)))


def book_minutes(model, ms: float) -> float:
    """The book's training of ``model`` at ``ms`` per step, in minutes."""
    steps = IMAGES // batch_size(model) if model.trainer == BATCHES else IMAGES
    return ms * steps * model.book_epochs / 60e3


def measure(seconds: float) -> dict:
    data = os.environ.get(gankit.settings.DATA_ENV) or "builtin"
    torch.set_num_threads(1)
    cols = columns()
    rows = {}
    for name, model in manifest.read().items():
        cells = {}
        for device, engine in cols:
            run, ok = stepper(model, device, engine, data)
            cells[f"{device}-{engine}"] = time_steps(run, device, seconds) if ok else None
            gankit.use_device("cpu")
        fastest = min((k for k, v in cells.items() if v), key=lambda k: cells[k][0])
        chosen, _ = pick_device("auto", trainer_of(model.listing))
        engine = "fast" if f"{chosen.type}-fast" in cells and cells[f"{chosen.type}-fast"] else "listing"
        rows[name] = {"label": model.label, "listing": model.listing, "trainer": model.trainer,
                      "epochs": model.book_epochs, "cells": cells, "fastest": fastest,
                      "auto": f"{chosen.type}-{engine}", "book_minutes": book_minutes(model, cells[fastest][0])}
        print(f"{name}: " + ", ".join(f"{k} {v[0]:.3f} ms" for k, v in cells.items() if v), flush=True)
    return {"columns": [f"{d}-{e}" for d, e in cols], "rows": rows, "machine": machine(),
            "measured": time.strftime("%Y-%m-%d %H:%M"), "load": [round(x, 2) for x in os.getloadavg()]}


def machine() -> str:
    gpu = f"，GPU：{torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "，没有 GPU"
    return f"{platform.processor() or platform.machine()} CPU，{os.cpu_count()} 个硬件线程{gpu}，PyTorch {torch.__version__}"


HEADS = {"cpu-listing": "CPU 书中代码", "cpu-fast": "CPU 快速引擎", "cuda-listing": "CUDA 书中代码",
         "mps-listing": "MPS 书中代码"}


def table(result: dict) -> str:
    """The markdown table of one measurement: ms per step (CPU ms), the book's training, auto's pick."""
    cols = result["columns"]
    rows = []
    for r in result["rows"].values():
        cells = [("–" if r["cells"][c] is None else
                  f"{r['cells'][c][0]:.3f}" + (f"（{r['cells'][c][1]:.3f}）" if c.startswith("cpu") else ""))
                 for c in cols]
        rows.append([r["label"], *cells, f"{r['book_minutes']:.1f}", HEADS[r["auto"]],
                     "是" if r["auto"] == r["fastest"] else "否"])
    head = ["模型", *[HEADS[c] for c in cols], "书中训练（分钟）", "自动选择", "最快？"]
    note = (f"每步的墙钟时间，毫秒（括号里是 CPU 时间）。一步：逐个样本训练的模型是一个样本，小批量的模型是一个"
            f"小批量。“书中训练”按最快的一列计算。机器：{result['machine']}；测于 {result['measured']}，"
            f"负载 {result['load'][0]}。")
    return markdown(head, rows, 1) + "\n\n" + note + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS, help="time each cell for about this long")
    parser.add_argument("--record", action="store_true", help=f"write results/tables/{TABLE} and results/{NUMBERS}")
    args = parser.parse_args(argv)
    try:
        gankit.settings.check()
        results = gankit.results_dir(None)
        if args.record:
            check_writable(results / "tables", "results/tables")
        print(f"machine: {machine()}; load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        result = measure(args.seconds)
    except CLEAR_ERRORS as err:
        parser.exit(1, f"error: {err}\n")
    text = table(result)
    print()
    print(text)
    if args.record:
        atomic_write_text(results / NUMBERS, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        atomic_write_text(results / "tables" / TABLE, text)
        print(f"recorded in results/{NUMBERS} and results/tables/{TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
