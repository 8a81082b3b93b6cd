"""The 训练 widget: a GAN trained in the page (gan_train.js, gan_train_worker.js, gan_train.wasm).

Without a browser:
- gan_train.wasm is what the pinned assembler makes of gan_train.wat, byte for byte;
- the MNIST images the page ships are the first 10,000 of the full training set (when the
  machine has it), described by mnist.json, and the page names their authors and licence.

In Chromium (the suite's ``browser`` group; skipped only without /usr/bin/chromium):
- same math as PyTorch: from the same weights, images and noise, N images of listing 08's
  three steps in the page's worker and with the listings' own classes give the same losses
  (D.progress, G.progress) and weights, for the first GAN, the improved GAN and a mix;
- same outcome: with the five switches off the page's first GAN collapses (one digit >= 90%
  of 200 samples) within 60,000 images; with all on it draws at least 8 digits at >= 1%;
- the widget on the built page: nothing downloaded before 开始, keyboard operable, 375 px
  wide without horizontal scrolling, no console error, no request leaving 127.0.0.1.

Tolerance (same math). PyTorch in float32 and the page both round every operation to float32,
but add the 784 products of a dot product in a different order (WebAssembly: 16 partial sums),
so they differ by float32 rounding, amplified a little by 500 dependent steps. How much
rounding moves a run is measured in the same test: the same run in PyTorch in float64 (the
exact math, to ~1e-16) differs from the float32 run by ``d32``. The page must be as close to
the exact math as PyTorch itself: its distance from the float64 run is at most
``ROUNDING_FACTOR`` x ``d32`` (per tensor, relative to the tensor's largest value), plus
``FLOOR`` for tensors that float32 happens to reproduce almost exactly. A wrong update (a sign,
a learning rate, a bias-correction term, one step's order) moves the weights by far more.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from script_module import load_script
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = ROOT / "_static" / "widgets"
STEPS = 500  # images of listing 08's three steps, in the page and in PyTorch
ROUNDING_FACTOR = 8
FLOOR = 1e-6  # relative; float32's own spacing is 1.2e-7
SWITCHES = ("bce", "adam", "layernorm", "noise100", "normal")
FIRST = dict.fromkeys(SWITCHES, False)  # listing 08's first GAN
IMPROVED = dict.fromkeys(SWITCHES, True)  # listing 09's improved GAN


@functools.cache
def builder():
    return load_script(ROOT / "tools" / "build_train_widget.py", "build_train_widget", register=True)


# ------------------------------------------------------------------ no browser
def test_wasm_is_assembled_from_the_committed_source():
    """gan_train.wasm is the pinned wasmtime's assembly of gan_train.wat (`make widgets` writes it)."""
    built = builder().assemble()
    assert built[:4] == b"\0asm"
    assert (WIDGETS / "gan_train.wasm").read_bytes() == built, "gan_train.wasm is stale: run `make widgets`"


def test_the_code_shown_on_the_page_reads_well():
    """The widgets page shows parts of the worker and of the WAT: 80 columns, as the listings; markers found once."""
    import re

    from test_listing_layout import PAGE_COLUMNS
    from gankit.console import display_width

    page = (ROOT / "book" / "widgets.md").read_text(encoding="utf-8")
    shown = re.findall(r":::\{literalinclude\} \.\./_static/widgets/(gan_train[^\n]*)\n(.*?):::", page, re.S)
    assert {name for name, _ in shown} == {"gan_train_worker.js", "gan_train.wat"}, shown
    for name, options in shown:
        lines = (WIDGETS / name).read_text(encoding="utf-8").splitlines()
        wide = [n for n, line in enumerate(lines, 1) if display_width(line) > PAGE_COLUMNS]
        assert not wide, f"{name}: lines wider than {PAGE_COLUMNS} columns: {wide}"
        for marker in re.findall(r":(?:start-at|end-before): \"([^\"]+)\"", options):
            assert sum(marker in line for line in lines) == 1, f"{name}: the page's marker {marker!r}"


def test_shipped_images_are_described_and_attributed():
    about = json.loads((WIDGETS / "mnist" / "mnist.json").read_text(encoding="utf-8"))
    packed = (WIDGETS / "mnist" / about["file"]).read_bytes()
    raw = gzip.decompress(packed)
    assert len(raw) == about["images"] * 784 and len(packed) == about["bytes"]
    assert hashlib.sha256(raw).hexdigest() == about["sha256_pixels"]
    page = (ROOT / "book" / "widgets.md").read_text(encoding="utf-8")
    for name in ("Yann LeCun", "Corinna Cortes", "Christopher", "Burges", "CC BY-SA 3.0"):
        assert name in page, f"the widgets page must credit MNIST: {name}"


def test_shipped_images_are_the_first_of_the_full_mnist(full_data):
    import gankit

    data = gankit.load_mnist(full_data, quiet=True)
    tool = builder()
    assert gzip.decompress((WIDGETS / "mnist" / tool.SPRITE.name).read_bytes()) == tool.sprite_bytes(data)


# ------------------------------------------------------------------ PyTorch side
def listing_models(settings: dict):
    """The listings' D and G with the chosen fixes of section 7 swapped in, as listing 09 does."""
    from chapter_2_3_2_03 import Discriminator
    from chapter_2_3_2_06 import Generator

    D, G = Discriminator(), Generator()
    noise_size = 100 if settings["noise100"] else 1

    def hidden():
        return [nn.LayerNorm(200), nn.LeakyReLU(0.02)] if settings["layernorm"] else [nn.Sigmoid()]

    D.model = nn.Sequential(nn.Linear(784, 200), *hidden(), nn.Linear(200, 1), nn.Sigmoid())
    G.model = nn.Sequential(nn.Linear(noise_size, 200), *hidden(), nn.Linear(200, 784), nn.Sigmoid())
    if settings["bce"]:
        D.loss_function = nn.BCELoss()
    for model in (D, G):
        model.optimiser = (torch.optim.Adam(model.parameters(), lr=0.0001) if settings["adam"]
                           else torch.optim.SGD(model.parameters(), lr=0.01))
    return D, G, noise_size


def weights_of(model) -> dict:
    """The page's names for the parameters: W1, b1, [gamma, beta], W2, b2 (PyTorch's shapes, flattened)."""
    layers = [m for m in model.model if isinstance(m, (nn.Linear, nn.LayerNorm))]
    names = ["W1", "b1", "gamma", "beta", "W2", "b2"] if len(layers) == 3 else ["W1", "b1", "W2", "b2"]
    tensors = [t for m in layers for t in (m.weight, m.bias)]
    return {n: t.detach().double().numpy().ravel() for n, t in zip(names, tensors)}


def train_in_pytorch(settings, seed, images, noises, dtype):
    """Listing 08's train_gan on the given images, with the given noise, from weights of ``seed``."""
    from chapter_2_3_2_08 import train_gan

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one sample at a time: more threads only wait for each other
    torch.manual_seed(seed)
    D, G, size = listing_models(settings)  # float32 weights, as nn.Linear draws them
    start = {"D": weights_of(D), "G": weights_of(G)}
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # the listing's torch.tensor([1.0]) targets follow it
    try:
        D.to(dtype), G.to(dtype)  # the same parameters (the optimisers keep them), converted
        given = iter(torch.from_numpy(noises).to(dtype).reshape(-1, size))
        dataset = [(0, torch.from_numpy(x).to(dtype), None) for x in images]
        train_gan(D, G, dataset, lambda n: next(given), size)
    finally:
        torch.set_default_dtype(previous)
        torch.set_num_threads(threads)
    return start, {"D": {"progress": np.array(D.progress), "weights": weights_of(D)},
                   "G": {"progress": np.array(G.progress), "weights": weights_of(G)}}


# ------------------------------------------------------------------ the browser
class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def widgets_site():
    """_static/widgets/ served on 127.0.0.1 with an empty page: the worker without the book's build."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(WIDGETS)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def worker_page(browser, widgets_site):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the site has none
    page.goto(widgets_site + "weights/manifest.json")  # any page of the site: same origin as the worker
    yield page
    context.close()
    assert not errors, errors


ASK = """async (message) => {
    const worker = new Worker("/gan_train_worker.js");
    const reply = await new Promise((resolve) => {
        worker.onmessage = ({data}) => { if (data.type !== "ready") resolve(data); };
        worker.onerror = (e) => resolve({type: "error", message: e.message});
        if (message.images) message.images = Float32Array.from(message.images);
        if (message.noises) message.noises = Float32Array.from(message.noises);
        for (const part of Object.values(message.weights || {}))
            for (const k of Object.keys(part)) part[k] = Float32Array.from(part[k]);
        worker.postMessage(message);
    });
    worker.terminate();
    const plain = (v) => v instanceof Float32Array ? Array.from(v)
        : Array.isArray(v) ? v : (v && typeof v === "object")
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
    return plain(reply);
}"""


def ask(page, message: dict) -> dict:
    reply = page.evaluate(ASK, message)
    assert reply["type"] != "error", reply["message"]
    return reply["result"]


def relative_distance(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30))


@pytest.mark.parametrize("name, settings", [
    ("first GAN", FIRST), ("improved GAN", IMPROVED),
    ("BCELoss + Adam only", {**FIRST, "bce": True, "adam": True}),
])
def test_page_trains_like_pytorch(worker_page, builtin_train, name, settings):
    rng = np.random.default_rng(0)
    images = builtin_train.images[:STEPS].cpu().numpy().astype(np.float32)
    size = 100 if settings["noise100"] else 1
    noises = (rng.standard_normal((STEPS * 2, size)) if settings["normal"]
              else rng.random((STEPS * 2, size))).astype(np.float32)
    start, t32 = train_in_pytorch(settings, 0, images, noises, torch.float32)
    _, t64 = train_in_pytorch(settings, 0, images, noises, torch.float64)
    page = ask(worker_page, {"cmd": "check", "settings": settings, "count": STEPS,
                             "weights": {k: {n: v.tolist() for n, v in w.items()} for k, w in start.items()},
                             "images": images.ravel().tolist(), "noises": noises.ravel().tolist()})
    report = []
    for who in ("D", "G"):
        assert len(page[who]["progress"]) == len(t32[who]["progress"]) > 0
        pairs = [("progress", page[who]["progress"], t32[who]["progress"], t64[who]["progress"])]
        pairs += [(n, page[who]["weights"][n], t32[who]["weights"][n], t64[who]["weights"][n])
                  for n in t32[who]["weights"]]
        for label, js, p32, p64 in pairs:
            d32, djs = relative_distance(p32, p64), relative_distance(js, p64)
            report.append(f"{who}.{label}: page {djs:.1e}, float32 PyTorch {d32:.1e}")
            assert djs <= ROUNDING_FACTOR * d32 + FLOOR, f"{name}: {report[-1]}"
    print(f"{name}: " + "; ".join(report))


OUTCOME = 60_000  # images: the book's first GAN has collapsed after one pass over 60,000
RUN = """async ([settings, seed, limit]) => {
    const worker = new Worker("/gan_train_worker.js");
    const reply = await new Promise((resolve) => {
        worker.onmessage = ({data}) => {
            if (data.type === "done" || data.type === "error") resolve(data);
        };
        worker.onerror = (e) => resolve({type: "error", message: e.message});
        worker.postMessage({cmd: "start", settings, seed, limit, quiet: true});
    });
    worker.terminate();
    return reply;
}"""


def page_run(page, settings, seed, limit=OUTCOME):
    """The widget's own training (same seed, same images, same samples as on the page), without the page."""
    reply = page.evaluate(RUN, [settings, seed, limit])
    assert reply["type"] == "done", reply.get("message")
    return reply["history"]  # [[images seen, shares of the 10 digits], ...] every 5,000 images


def _shares_text(history):
    return "; ".join(f"{seen}: " + " ".join(f"{round(100 * s)}" for s in shares) for seen, shares in history)


@pytest.mark.parametrize("seed", [0])
def test_first_gan_collapses_in_the_page(worker_page, seed):
    """All five switches off: after 60,000 images one digit takes >= 90% of 200 samples."""
    history = page_run(worker_page, FIRST, seed)
    print(f"first GAN, seed {seed} (% of 200 samples per digit): {_shares_text(history)}")
    seen, shares = history[-1]  # not the untrained start: its grey blur is one "digit" to the classifier too
    assert seen == OUTCOME and max(shares) >= 0.9, _shares_text(history)


@pytest.mark.parametrize("seed", [0])
def test_improved_gan_draws_many_digits_in_the_page(worker_page, seed):
    """All five switches on: after 60,000 images, at least 8 digits each take >= 1% of 200 samples."""
    history = page_run(worker_page, IMPROVED, seed)
    print(f"improved GAN, seed {seed} (% of 200 samples per digit): {_shares_text(history)}")
    seen, shares = history[-1]
    assert seen == OUTCOME and sum(s >= 0.01 for s in shares) >= 8, _shares_text(history)


# ------------------------------------------------------------------ the widget on the built page
WIDGETS_PAGE = "book/widgets.html"
TRAIN = "div.gan-widget[data-widget='train']"
ON_START = ("gan_train_worker.js", "gan_train.wasm", "train-images-10000.u8.gz")  # downloaded on 开始 only
SHOTS = ROOT / "_build" / "widgets"
PHONE = 375  # CSS pixels: a phone's width


def test_train_widget_on_the_page_by_keyboard_at_phone_width(browser, site):
    from test_book import PageVisit

    visit = PageVisit(browser, site, WIDGETS_PAGE)
    page = visit.page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.set_viewport_size({"width": PHONE, "height": 800})
        root = page.locator(TRAIN)
        root.scroll_into_view_if_needed()
        page.wait_for_function(f"document.querySelector(\"{TRAIN}\").dataset.ready === '1'", timeout=30000)
        assert not [u for u in requests if u.endswith(ON_START)], "training code or images before 开始"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "horizontal scrolling at 375 px"
        root.get_by_role("button", name="全部关闭", exact=False).focus()
        page.keyboard.press("Enter")
        assert "代码清单 08" in root.inner_text()
        root.locator("select").focus()
        page.keyboard.press("ArrowDown")  # 随机数种子 1
        assert root.locator("select").input_value() == "1"
        start = root.get_by_role("button", name="开始")
        start.focus()
        page.keyboard.press("Space")
        page.wait_for_function(f"Number(document.querySelector(\"{TRAIN}\").dataset.sharesAt) >= 5000",
                               timeout=120000)
        assert root.locator("input[type=checkbox]").first.is_disabled(), "the switches lock while it trains"
        root.get_by_role("button", name="暂停").focus()
        page.keyboard.press("Enter")
        assert root.evaluate("r => r.dataset.state") == "paused"
        page.wait_for_timeout(300)  # a chunk of steps already running when 暂停 was pressed may still land
        seen = root.evaluate("r => Number(r.dataset.seen)")
        page.wait_for_timeout(500)
        assert root.evaluate("r => Number(r.dataset.seen)") == seen, "暂停 did not stop the training"
        assert "每秒" in root.inner_text() and "已训练" in root.inner_text()
        assert [u for u in requests if u.endswith(ON_START)], "开始 loaded nothing"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "horizontal scrolling at 375 px"
        SHOTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=str(SHOTS / "train-phone.png"))
        root.get_by_role("button", name="重来").focus()
        page.keyboard.press("Enter")
        assert root.evaluate("r => r.dataset.state") == "idle" and root.locator("input[type=checkbox]").first.is_enabled()
    finally:
        visit.close()
    assert not visit.external, f"requests to other hosts: {visit.external}"
    assert not visit.failed, f"failed requests: {visit.failed}"
    assert not visit.errors, f"console errors: {visit.errors}"
