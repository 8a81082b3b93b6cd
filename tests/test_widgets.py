"""The interactive widgets: exported weights (tools/export_generators.py) and the JavaScript that runs them.

Exporter (no browser):
- same checkpoint -> same bytes; the manifest describes the committed weight files;
- float16 changes no output pixel by more than one colour step of the book's colour map.

In the real browser (Debian's chromium via playwright, the built book served on 127.0.0.1:
the fixtures of conftest.py, shared with test_book.py; skipped only when /usr/bin/chromium is absent):
- exactness: for fixed inputs, the JavaScript's output equals PyTorch's output for the same
  exported weights, loaded from the committed files into the listings' own classes;
- behaviour: the keyboard moves the sliders and presses the buttons, and the canvases change;
- no request leaves 127.0.0.1, and no page of the site logs a JavaScript error.

Tolerances. The page and PyTorch use exactly the same weights: every float16 value is exactly
a float32 and a float64, so the export precision itself causes no difference between them.
What remains is arithmetic: the JavaScript computes in float64 (JavaScript numbers), so it is
compared with PyTorch in float64 at 1e-9 (sums of at most 1,024 products of values below ~10
differ by rounding order only, ~1e-13), and with PyTorch in float32, the precision the book's
models run at, at 1e-5 (float32 keeps ~7 digits; a pixel is a sigmoid of a sum of 200 products).
Against the original float32 checkpoint the float16 rounding does move the pixels a little:
float16 keeps 11 significant bits, so each weight changes by at most 2^-11 ~ 4.9e-4 of itself;
a pixel is sigmoid(z), whose slope is at most 1/4, and z sums 200 products whose absolute values
add up to ~10, so |change| <~ 10 * 4.9e-4 / 4 ~ 1e-3. The exporter measures it on 256 noise
vectors; it must stay below 1/256, one of the 256 colour steps a pixel is drawn with.

Screenshots of each widget go to ``_build/widgets/``.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from script_module import load_script
import torch

from test_book import CHAPTER, PageVisit
from test_listing_layout import PAGE_COLUMNS
from gankit.console import display_width

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "_static" / "widgets" / "gan_widgets.js"
WEIGHTS = ROOT / "_static" / "widgets" / "weights"
WIDGETS_PAGE = "book/widgets.html"
SHOTS = ROOT / "_build" / "widgets"
MAX_BYTES = 5_000_000  # "a few MB at most in all"
FLOAT64_TOL = 1e-9
FLOAT32_TOL = 1e-5
COLOUR_STEP = 1 / 256  # the colour map has 256 colours for pixel values 0..1


@functools.cache
def exporter():
    return load_script(ROOT / "tools" / "export_generators.py", "export_generators", register=True)


def manifest() -> dict:
    return json.loads((WEIGHTS / "manifest.json").read_text(encoding="utf-8"))


def exported_network(key: str, epoch: int | None = None, dtype=torch.float64):
    """The listing's class (or the classifier) holding the committed float16 weights."""
    ex = exporter()
    if key == "classifier":
        from gankit.classifier import DigitClassifier

        net, entry = DigitClassifier(), manifest()["classifier"]
        net.eval()
    else:
        model = next(m for m in ex.MODELS if m.key == key)
        net = ex.build(model)
        entry = manifest()["models"][key]["epochs"][str(epoch or manifest()["models"][key]["default_epoch"])]
    ex.load_exported(net, (WEIGHTS / entry["file"]).read_bytes())
    return net.to(dtype)


# ------------------------------------------------------------------ the exporter
def test_committed_export_is_complete_and_small():
    m = manifest()
    assert set(m["models"]) == {"gan", "improved-gan", "feature-matching"}
    assert sorted(map(int, m["models"]["gan"]["epochs"])) == list(range(1, 11)), "the epoch slider needs 1-10"
    files = [e for model in m["models"].values() for e in model["epochs"].values()] + [m["classifier"]]
    for entry in files:
        data = (WEIGHTS / entry["file"]).read_bytes()
        assert len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
    on_disk = {p.name for p in WEIGHTS.iterdir()}
    assert on_disk == {e["file"] for e in files} | {"manifest.json"}, on_disk
    total = sum(p.stat().st_size for p in WEIGHTS.iterdir())
    assert total < MAX_BYTES, f"{total / 1e6:.2f} MB of weights"
    for key, model in m["models"].items():
        assert model["seed"] == 0 and model["data"] and model["source_sha256"], key
        for epoch, entry in model["epochs"].items():
            assert entry["max_pixel_change_float16"] < COLOUR_STEP, (key, epoch)
    assert len(m["colormap"]["rgb"]) == 256 * 6
    strings = re.findall(r'"([^"]*)"', (WEIGHTS / "manifest.json").read_text(encoding="utf-8"))
    assert not [t for t in strings if t.startswith("/") or "../" in t or ":\\" in t], "a path of the machine"


def _fake_runs(folder: Path, seed: int = 1) -> dict:
    """Checkpoints of untrained models, in the listings' layout (one per model, plus the classifier)."""
    from gankit.classifier import DigitClassifier
    from gankit import Checkpoints

    ex = exporter()
    torch.manual_seed(seed)
    runs = {}
    for model in ex.MODELS:
        run = f"{model.prefix}-builtin4000-seed0-cpu"
        for epoch in model.epochs[-2:]:
            Checkpoints(run, folder).save(epoch, {"G": ex.build(model)})
        runs[model.key] = run
    classifier = folder / "classifier" / "classifier-builtin4000-seed0.pt"
    classifier.parent.mkdir(parents=True)
    torch.save({"weights": DigitClassifier().state_dict(), "info": {"test_accuracy": 0.1}}, classifier)
    return runs, classifier


def _export(folder, runs, classifier, out) -> int:
    argv = ["--checkpoints", str(folder), "--classifier", str(classifier), "--out", str(out)]
    for key, run in runs.items():
        argv += ["--run", f"{key}={run}"]
    return exporter().main(argv)


def test_export_is_deterministic(tmp_path):
    """Same checkpoints -> the same bytes in every file, exported twice; the manifest says what it holds."""
    runs, classifier = _fake_runs(tmp_path / "ckpt")
    assert _export(tmp_path / "ckpt", runs, classifier, tmp_path / "a") == 0
    assert _export(tmp_path / "ckpt", runs, classifier, tmp_path / "b") == 0
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a == b
    m = json.loads(a["manifest.json"])
    assert sorted(map(int, m["models"]["gan"]["epochs"])) == [9, 10]
    assert m["models"]["improved-gan"]["run"] == runs["improved-gan"]
    assert m["models"]["improved-gan"]["data_kind"] == "builtin" and m["models"]["improved-gan"]["seed"] == 0
    assert "/" not in json.dumps(m["models"]["gan"]["data"]), "the manifest names data, never a path"
    # a different checkpoint gives different bytes
    runs2, _ = _fake_runs(tmp_path / "ckpt2", seed=2)
    assert _export(tmp_path / "ckpt2", runs2, classifier, tmp_path / "c") == 0
    assert (tmp_path / "c" / "gan-epoch10.bin").read_bytes() != a["gan-epoch10.bin"]


def test_a_readers_run_is_found_and_exported_into_its_own_folder(tmp_path, monkeypatch, capsys):
    """Without --run and --out: the runs of the settings' data and seed are found by name, the one
    trained last wins, and a run other than the reference writes under _build/runs/<data>-seed<seed>/."""
    from gankit import Checkpoints, paths

    ex = exporter()
    runs, classifier = _fake_runs(tmp_path / "ck")
    older, newer = "gan-builtin4000-seed0-cpu-fast-aaaaaaaaaa", "gan-builtin4000-seed0-cpu-listing-bbbbbbbbbb"
    for run, when in ((older, 2_000_000_000), (newer, 1_000_000_000)):
        torch.manual_seed(when)
        path = Checkpoints(run, tmp_path / "ck").save(10, {"G": ex.build(ex.MODELS[0])})
        os.utime(path, (when, when))  # the "older" name was trained last
    Checkpoints("gan-builtin4000-seed1-cpu-fast-cccccccccc", tmp_path / "ck").save(10, {"G": ex.build(ex.MODELS[0])})
    shutil.rmtree(tmp_path / "ck" / runs["gan"])  # leave only the three runs above for the first GAN
    monkeypatch.setattr(paths, "RUNS_DIR", tmp_path / "runs")
    monkeypatch.delenv("GANBOOK_WIDGETS", raising=False)
    assert ex.main(["--checkpoints", str(tmp_path / "ck"), "--data", "builtin", "--seed", "0",
                    "--classifier", str(classifier)]) == 0
    out = tmp_path / "runs" / "builtin4000-seed0" / "_static" / "widgets" / "weights"
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["models"]["gan"]["run"] == older and m["models"]["gan"]["fingerprint"] == "aaaaaaaaaa"
    assert m["models"]["improved-gan"]["run"] == runs["improved-gan"]
    assert "taking the one trained last" in capsys.readouterr().out


def test_float16_export_matches_the_checkpoint(tmp_path):
    """Weights read back from the file are the checkpoint's, rounded to float16, in the right places."""
    from gankit import Checkpoints

    ex = exporter()
    runs, classifier = _fake_runs(tmp_path / "ckpt")
    assert _export(tmp_path / "ckpt", runs, classifier, tmp_path / "out") == 0
    for model in ex.MODELS:
        original = ex.build(model)
        epoch = model.epochs[-1]
        Checkpoints(runs[model.key], tmp_path / "ckpt").load(epoch, {"G": original}, restore_rng=False)
        copy = ex.load_exported(ex.build(model), (tmp_path / "out" / f"{model.key}-epoch{epoch:02d}.bin").read_bytes())
        for (name, p), (_, q) in zip(original.state_dict().items(), copy.state_dict().items()):
            assert torch.equal(p.half().float(), q), f"{model.key}: {name} differs from its float16 rounding"
        z = ex.noise(model, 64)
        with torch.no_grad():
            assert (original(z) - copy(z)).abs().max() < COLOUR_STEP


def test_missing_checkpoint_is_one_clear_line(tmp_path, capsys):
    code = exporter().main(["--checkpoints", str(tmp_path), "--data", "builtin", "--classifier", "none",
                            "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: no checkpoint of the gan generator") and "Traceback" not in err
    assert "chapter_2_3_2_08.py" in err, err
    assert not (tmp_path / "out").exists()


def test_the_script_reads_well_on_the_page():
    """gan_widgets.js is part of the book (the widgets page shows its layers): 80 columns, as the listings."""
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    wide = [(n, display_width(line)) for n, line in enumerate(lines, 1) if display_width(line) > PAGE_COLUMNS]
    assert not wide, f"gan_widgets.js: lines wider than {PAGE_COLUMNS} columns (line, width): {wide}"
    page = (ROOT / "book" / "widgets.md").read_text(encoding="utf-8")
    shown = "".join(re.findall(r":::\{literalinclude\} \.\./_static/widgets/gan_widgets\.js\n(.*?):::", page, re.S))
    for marker in re.findall(r":(?:start-at|end-before): \"([^\"]+)\"", shown):
        assert sum(marker in line for line in lines) == 1, f"the widgets page's marker {marker!r}"


# ------------------------------------------------------------------ the browser
@pytest.fixture(scope="module")
def widgets_page(browser, site):
    visit = PageVisit(browser, site, WIDGETS_PAGE)
    visit.page.wait_for_function("window.GanWidgets !== undefined", timeout=10000)
    for i in range(visit.page.locator("div.gan-widget").count()):  # widgets start when scrolled near
        visit.page.locator("div.gan-widget").nth(i).scroll_into_view_if_needed()
    visit.page.wait_for_function(
        "Array.from(document.querySelectorAll('div.gan-widget')).every(w => w.dataset.ready === '1')", timeout=30000)
    yield visit
    visit.close()


def _js_outputs(page, key, epoch, inputs):
    return np.array(page.evaluate(
        """async ([key, epoch, inputs]) => {
            const net = await GanWidgets.loadModel(key, epoch);
            return inputs.map(x => Array.from(GanWidgets.forward(net, x)));
        }""", [key, epoch, [list(map(float, x)) for x in inputs]]))


@pytest.mark.parametrize("key, epoch", [("gan", 1), ("gan", 10), ("improved-gan", None), ("feature-matching", None)])
def test_javascript_equals_pytorch(widgets_page, key, epoch):
    ex = exporter()
    model = next(m for m in ex.MODELS if m.key == key)
    inputs = torch.cat([ex.noise(model, 6, seed=1).double(), torch.zeros(1, model.noise_size, dtype=torch.float64)])
    if key == "gan":
        inputs = torch.tensor([[0.0], [0.25], [0.5], [1.0]], dtype=torch.float64)
    js = _js_outputs(widgets_page.page, key, epoch, inputs.tolist())
    with torch.no_grad():
        torch64 = exported_network(key, epoch, torch.float64)(inputs).numpy()
        torch32 = exported_network(key, epoch, torch.float32)(inputs.float()).double().numpy()
    assert js.shape == (len(inputs), 784)
    assert np.abs(js - torch64).max() < FLOAT64_TOL, np.abs(js - torch64).max()
    assert np.abs(js - torch32).max() < FLOAT32_TOL, np.abs(js - torch32).max()


def test_javascript_classifier_equals_pytorch(widgets_page):
    """The digit classifier in the page: same logits as PyTorch's layers in float64, same digits as its forward()."""
    ex = exporter()
    fm = next(m for m in ex.MODELS if m.key == "feature-matching")
    with torch.no_grad():
        images = exported_network("feature-matching", None, torch.float64)(ex.noise(fm, 8, seed=2).double())
        classifier = exported_network("classifier", None, torch.float64)
        x = images.reshape(-1, 1, 28, 28)
        for layer in ex.layer_list(classifier):  # forward() in float64 (the class casts its input to float32)
            x = layer(x)
        logits = x.numpy()
        digits = classifier.float()(images.float()).argmax(1).tolist()
    js = widgets_page.page.evaluate(
        """async (images) => {
            const net = await GanWidgets.loadClassifier();
            return images.map(x => [Array.from(GanWidgets.forward(net, x)), GanWidgets.classify(net, x)]);
        }""", images.tolist())
    assert np.abs(np.array([l for l, _ in js]) - logits).max() < FLOAT64_TOL
    assert [d for _, d in js] == digits


def test_float16_decoding_is_exact(widgets_page):
    """Every one of the 65,536 float16 bit patterns decodes to numpy's value."""
    js = widgets_page.page.evaluate(
        "Array.from({length: 65536}, (_, h) => { const v = GanWidgets.halfToNumber(h); "
        "return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v; })")
    expected = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float64)
    got = np.array([float(v) for v in js])
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    assert np.array_equal(got[~np.isnan(got)], expected[~np.isnan(expected)])


def test_seeded_normal_noise(widgets_page):
    draws = widgets_page.page.evaluate(
        "[0, 0, 1].map(seed => Array.from(GanWidgets.makeRandom(seed).noise('normal', 20000)))")
    first, again, other = (np.array(d) for d in draws)
    assert np.array_equal(first, again), "the same 随机数种子 must give the same noise"
    assert not np.array_equal(first, other)
    assert abs(first.mean()) < 0.03 and abs(first.std() - 1) < 0.03  # 20,000 draws: standard error 0.007
    assert abs((np.abs(first) < 1).mean() - 0.6827) < 0.02  # the share within one standard deviation


def _canvas(page, selector, index=0):
    return page.evaluate("([s, i]) => document.querySelectorAll(s)[i].toDataURL()", [selector, index])


def test_first_gan_sliders_by_keyboard(widgets_page):
    page = widgets_page.page
    root = "div.gan-widget[data-widget='first-gan']"
    sliders = page.locator(f"{root} input[type=range]")
    big = f"{root} canvas.gan-widget-big"
    before, readout = _canvas(page, big), page.inner_text(f"{root} .gan-widget-readout")
    output_before = page.evaluate(f"Array.from(document.querySelector(\"{root}\").lastOutput)")
    sliders.nth(0).focus()
    page.keyboard.press("End")  # the input to 1.0
    page.wait_for_function(f"document.querySelector(\"{root}\").dataset.state.endsWith(':1')")
    output_after = page.evaluate(f"Array.from(document.querySelector(\"{root}\").lastOutput)")
    assert output_after != output_before, "moving the input did not recompute the image"
    assert page.inner_text(f"{root} .gan-widget-readout") != readout
    moved = _canvas(page, big)
    assert moved != before, "the canvas did not change when the input moved"
    sliders.nth(1).focus()
    page.keyboard.press("Home")  # epoch 1
    page.wait_for_function(f"document.querySelector(\"{root}\").dataset.state.startsWith('1:')")
    assert _canvas(page, big) != moved, "the canvas did not change with the epoch"
    assert "第 1 个轮次" in page.inner_text(f"{root} .gan-widget-caption")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("End")  # back to epoch 10 for the screenshot
    page.wait_for_function(f"document.querySelector(\"{root}\").dataset.state.startsWith('10:')")
    page.locator(root).screenshot(path=str(SHOTS / "first-gan.png"))


@pytest.mark.parametrize("index", [0, 1])
def test_samplers_buttons_and_interpolation_by_keyboard(widgets_page, index):
    page = widgets_page.page
    root = page.locator("div.gan-widget[data-widget='samplers']").nth(index)
    grids = root.locator("canvas.gan-widget-grid")
    before = [g.evaluate("c => c.toDataURL()") for g in grids.all()]
    root.get_by_role("button", name="换一批").focus()
    page.keyboard.press("Enter")
    after = [g.evaluate("c => c.toDataURL()") for g in grids.all()]
    assert all(a != b for a, b in zip(before, after)), "换一批 did not draw a new batch"
    paths = root.locator("canvas.gan-widget-strip")
    before = [p.evaluate("c => c.toDataURL()") for p in paths.all()]
    root.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert root.evaluate("r => r.dataset.state").endswith(":0.6")
    assert all(a != b for a, b in zip(before, [p.evaluate("c => c.toDataURL()") for p in paths.all()]))
    if index == 1:
        button = root.get_by_role("button", name="数一数", exact=False)
        button.focus()
        page.keyboard.press("Space")
        root.locator("canvas.gan-widget-chart").first.wait_for(state="visible", timeout=60000)
        page.wait_for_function("document.querySelectorAll(\"div.gan-widget[data-widget='samplers']\")[1]"
                               ".dataset.counted === '200'", timeout=60000)
        assert "用时" in root.locator(".gan-widget-readout").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(SHOTS / ("improved-gan.png" if index == 0 else "improved-vs-feature-matching.png")))


def test_widgets_load_nothing_from_elsewhere(widgets_page):
    assert not widgets_page.external, f"requests to other hosts: {widgets_page.external}"
    assert not widgets_page.failed, f"failed requests: {widgets_page.failed}"
    assert not widgets_page.errors, f"console errors: {widgets_page.errors}"


def _pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not p.relative_to(html).as_posix().startswith(("_static/", "_sources/")))


def test_no_page_logs_a_javascript_error(browser, site, book_html):
    """Every page of the site, scrolled to the end (so the widgets start), logs no error and stays on 127.0.0.1."""
    problems = {}
    pages = _pages(book_html)
    assert CHAPTER in pages and WIDGETS_PAGE in pages, pages
    for path in pages:
        visit = PageVisit(browser, site, path)
        try:
            if 'http-equiv="Refresh"' in (book_html / path).read_text(encoding="utf-8"):  # index.html
                visit.page.wait_for_url(lambda url, path=path: not url.endswith(path))
                visit.page.wait_for_load_state("load")
            visit.page.evaluate("""async () => {
                for (let y = 0; y < document.body.scrollHeight; y += 500) {
                    window.scrollTo(0, y);
                    await new Promise(r => setTimeout(r, 20));
                }
            }""")
            visit.page.wait_for_function("Array.from(document.querySelectorAll('div.gan-widget'))"
                                         ".every(w => w.dataset.ready === '1')", timeout=30000)
            visit.page.wait_for_timeout(300)
        finally:
            visit.close()
        if visit.errors or visit.external or visit.failed:
            problems[path] = {"console": visit.errors, "external": visit.external, "failed": visit.failed}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_chapter_places_each_widget_beside_its_figure(book_html):
    """The chapter holds the three widgets, each after the figure it illuminates."""
    page = (book_html / CHAPTER).read_text(encoding="utf-8")
    at = {name: page.index(name) for name in ('id="fig-2-64"', 'id="fig-2-66"', 'id="fig-2-69"')}
    widgets = [i for i in range(len(page)) if page.startswith('class="gan-widget"', i)]
    assert len(widgets) == 3, widgets
    assert at['id="fig-2-64"'] < widgets[0] < at['id="fig-2-66"'] < widgets[1] < at['id="fig-2-69"'] < widgets[2]
