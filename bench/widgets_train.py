"""Speed of the 训练 widget in the browser, beside the fast engine (gankit/fast.py) in Python, in one run.

    make bench-widgets              # or: python bench/widgets_train.py [--images N] [--rounds R]

The widget trains in a Web Worker (``_static/widgets/gan_train_worker.js`` with the WebAssembly
of ``gan_train.wat``). This script serves ``_static/widgets/`` on 127.0.0.1, opens it in Debian's
headless Chromium (``/usr/bin/chromium`` via playwright, with the browser tests' flags), and asks
the worker to train N images of listing 08's three steps on the page's MNIST images (after a
200-image warm-up), for the first GAN (all five switches off) and the improved GAN (all on).
Beside it, on the same images, the fast engine trains the listings' own classes (listings 03, 06,
08, 09) with one thread (numba, ``torch.set_num_threads(1)``), after a warm-up that compiles it.

It prints images per second (one image = listing 08's three steps), wall and CPU time; the
browser's CPU time is that of all its processes (from /proc), the engine's that of this process.
Each number is the best of the rounds. The machine may be shared: the load average is printed
before and after.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import os
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "codes"))

from test_book import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the browser tests' Chromium and flags)
from widgets_count import descendants_cpu_seconds  # noqa: E402
from gankit.cli import positive_int  # noqa: E402

WIDGETS = ROOT / "_static" / "widgets"
SPRITE = WIDGETS / "mnist" / "train-images-10000.u8.gz"
SWITCHES = ("bce", "adam", "layernorm", "noise100", "normal")
MODELS = {"first GAN": dict.fromkeys(SWITCHES, False), "improved GAN": dict.fromkeys(SWITCHES, True)}
WARM_UP = 200  # images before the timed ones: the JIT compiles, the caches fill
BENCH = """async (message) => {
    const worker = new Worker("/gan_train_worker.js");
    const reply = await new Promise((resolve) => {
        worker.onmessage = ({data}) => resolve(data);
        worker.onerror = (e) => resolve({type: "error", message: e.message});
        worker.postMessage(message);
    });
    worker.terminate();
    return reply;
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser_rate(page, settings, images):
    """(images per second, CPU seconds per image) of the worker."""
    cpu = descendants_cpu_seconds()
    reply = page.evaluate(BENCH, {"cmd": "bench", "settings": settings, "seed": 0, "count": images})
    cpu = descendants_cpu_seconds() - cpu
    if reply["type"] != "bench":
        raise RuntimeError(f"the worker: {reply.get('message', reply)}")
    return images / (reply["result"]["ms"] / 1000), cpu / (images + WARM_UP)


def engine_rate(name, images):
    """(images per second, CPU seconds per image) of gankit.fast on the same images, one thread."""
    import numpy as np
    import torch

    from chapter_2_3_2_03 import Discriminator
    from chapter_2_3_2_06 import Generator
    from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator
    from gankit.fast import FastGAN

    torch.set_num_threads(1)
    pixels = np.frombuffer(gzip.decompress(SPRITE.read_bytes()), np.uint8).reshape(-1, 784)
    X = torch.from_numpy(pixels[:WARM_UP + images].astype(np.float32) / 255.0)
    torch.manual_seed(0)
    if name == "first GAN":
        D, G, noise, size = Discriminator(), Generator(), torch.rand, 1
    else:
        D, G, noise, size = ImprovedDiscriminator(), ImprovedGenerator(), torch.randn, 100
    fast = FastGAN(D, G, noise, size)
    fast.train_epoch(X[:WARM_UP])  # compiles (or loads numba's cache)
    cpu, wall = time.process_time(), time.perf_counter()
    fast.train_epoch(X[WARM_UP:])
    return images / (time.perf_counter() - wall), (time.process_time() - cpu) / images


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--images", type=positive_int, default=3000, help="timed images per model and round")
    parser.add_argument("--rounds", type=positive_int, default=2, help="rounds (each number: the best)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.exit(2, f"error: {CHROMIUM} is absent; install it (Debian: apt-get install chromium)\n")
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(WIDGETS)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"the 训练 widget (WebAssembly SIMD in a Web Worker, {CHROMIUM}, headless) beside the fast engine "
          f"(gankit.fast, numba, 1 thread); {os.cpu_count()} hardware threads")
    print("load average (1, 5, 15 min) before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{args.rounds} round(s) of {args.images} images (one image = listing 08's three steps), "
          f"after {WARM_UP} images of warm-up")
    best = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page()
                page.goto(site + "weights/manifest.json")
                for _ in range(args.rounds):  # alternating, so a busy spell slows both alike
                    for name, settings in MODELS.items():
                        for who, rate in (("widget", lambda: browser_rate(page, settings, args.images)),
                                          ("engine", lambda: engine_rate(name, args.images))):
                            r, cpu = rate()
                            old = best.get((name, who), (0, float("inf")))
                            best[(name, who)] = (max(old[0], r), min(old[1], cpu))
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print()
    print(f"{'':16s}{'widget img/s':>14s}{'(CPU ms/img)':>14s}{'fast engine img/s':>19s}{'(CPU ms/img)':>14s}"
          f"{'ratio':>8s}")
    for name in MODELS:
        w, e = best[(name, "widget")], best[(name, "engine")]
        print(f"{name:16s}{w[0]:14,.0f}{w[1] * 1000:14.3f}{e[0]:19,.0f}{e[1] * 1000:14.3f}{w[0] / e[0]:7.2f}x")
    print("load average (1, 5, 15 min) after:  " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
