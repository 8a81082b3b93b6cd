"""Speed of the widgets' 数一数 in the browser: the digit classifier of gan_widgets.js, a baseline against this tree.

    make bench-widgets              # or: python bench/widgets_count.py [--baseline REV] [--images N] [--rounds R]

The button 数一数 beside figure 2-69 draws 200 samples from each of two generators and
classifies all 400 with the score card's digit classifier, in the page's JavaScript. This
script serves two copies of ``_static/widgets/`` on 127.0.0.1 (the same weights; only
``gan_widgets.js`` differs: the working tree's, and the baseline's from git) and opens each
in Debian's headless Chromium (``/usr/bin/chromium`` via playwright, with the browser
tests' flags) in turn, one page at a time, for a few rounds. It prints, baseline beside new:

- forward: milliseconds per image of ``forward(classifier, image)`` over N images that the
  feature-matching generator drew (after a warm-up, so the JIT has compiled the layers);
- 数一数: seconds from pressing the button on a freshly opened page until the counts are
  drawn, as a reader's first press (the classifier's download and the JIT warm-up included).

Wall time is measured in the page (``performance.now()``); CPU time is that of all the
browser's processes (from /proc), printed beside it because the machine may be shared. Each
number is the best of the rounds (wall and CPU time each on its own). The baseline and the new code must agree: the script
checks that both give the same digits and the same counts, and prints the largest
difference of a logit; when they disagree it says so and exits with status 1.

Baseline (``--baseline``): by default the committed gan_widgets.js when the working tree has
changed it, else the version before its last commit (so a fresh checkout compares the
latest change of the file with what came before it).
"""
from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "codes"))

from test_book import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the browser tests' Chromium and flags)
from test_listing_layout import display_width  # noqa: E402  (a CJK character takes two columns)
from gankit.cli import positive_int  # noqa: E402

WIDGETS = ROOT / "_static" / "widgets"
SCRIPT = "_static/widgets/gan_widgets.js"  # relative to the repository, for git
VARIANTS = ("baseline", "new")
PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{variant}</title></head><body>
<div class="gan-widget" data-widget="samplers" data-models="improved-gan feature-matching" data-shares="200"></div>
<script src="gan_widgets.js"></script></body></html>"""
# (a) N images from the feature-matching generator (seeded noise), kept in the page
DRAW = """async (n) => {
    const G = window.GanWidgets, random = G.makeRandom(1);
    const net = await G.loadModel("feature-matching");
    window.benchImages = Array.from({length: n}, () => G.forward(net, random.noise("normal", 100)));
    window.benchClassifier = await G.loadClassifier();
    for (const x of window.benchImages.slice(0, 20)) G.forward(window.benchClassifier, x);  // warm-up
}"""
FORWARD = """() => {
    const G = window.GanWidgets, net = window.benchClassifier;
    const start = performance.now();
    const logits = window.benchImages.map((x) => G.forward(net, x));
    const ms = performance.now() - start;
    return {ms, logits: logits.map((l) => Array.from(l))};
}"""
# (b) one press of 数一数 on the widget: until data-counted is set
COUNT = """async () => {
    const root = document.querySelector("div.gan-widget");
    const button = Array.from(root.querySelectorAll("button")).find((b) => b.textContent.startsWith("数一数"));
    const done = new Promise((resolve) => new MutationObserver((_, observer) => {
        if (root.dataset.counted) { observer.disconnect(); resolve(); }
    }).observe(root, {attributes: true, attributeFilter: ["data-counted"]}));
    const start = performance.now();
    button.click();
    await done;
    const seconds = (performance.now() - start) / 1000;
    return {seconds, shares: Array.from(root.querySelectorAll("canvas.gan-widget-chart"),
                                        (c) => c.getAttribute("aria-label"))};
}"""


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def default_baseline() -> str:
    """The committed script when the working tree changed it, else the commit before its last change."""
    if git("status", "--porcelain", "--", SCRIPT).strip():
        return "HEAD"
    last = git("log", "-1", "--format=%H", "--", SCRIPT).strip()
    return f"{last}~1"


def baseline_script(rev: str) -> tuple[str, bytes]:
    """(short commit, contents of gan_widgets.js there)."""
    commit = git("rev-parse", "--short", f"{rev}^{{commit}}").strip()
    return commit, subprocess.run(["git", "show", f"{commit}:{SCRIPT}"], cwd=ROOT, capture_output=True,
                                  check=True).stdout


class Handler(BaseHTTPRequestHandler):
    """/<variant>/index.html, /<variant>/gan_widgets.js (that variant's), /<variant>/weights/* (shared)."""

    def __init__(self, *args, scripts: dict[str, bytes], **kwargs):
        self.scripts = scripts
        super().__init__(*args, **kwargs)

    def do_GET(self):
        variant, _, rest = self.path.lstrip("/").partition("/")
        body, kind = None, "application/octet-stream"
        if variant in self.scripts:
            if rest == "index.html":
                body, kind = PAGE.format(variant=variant).encode(), "text/html; charset=utf-8"
            elif rest == "gan_widgets.js":
                body, kind = self.scripts[variant], "text/javascript; charset=utf-8"
            elif rest.startswith("weights/") and "/" not in rest[8:] and (WIDGETS / rest).is_file():
                body = (WIDGETS / rest).read_bytes()
                kind = "application/json" if rest.endswith(".json") else kind
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def descendants_cpu_seconds() -> float:
    """User + system CPU time of every running process below this one (the browser's)."""
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
            except OSError:  # ended meanwhile
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])))
    ours, total = {os.getpid()}, 0
    grown = True
    while grown:
        grown = False
        for pid, (parent, _) in stats.items():
            if parent in ours and pid not in ours:
                ours.add(pid)
                grown = True
    for pid in ours - {os.getpid()}:
        total += stats[pid][1]
    return total / os.sysconf("SC_CLK_TCK")


def measured(page, script, arg=None):
    """(result, CPU seconds of the browser) of one page.evaluate."""
    cpu = descendants_cpu_seconds()
    result = page.evaluate(script, arg)
    return result, descendants_cpu_seconds() - cpu


def one_round(browser, site, variant, images):
    """Forward over the images, then one press of 数一数 on a fresh page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        errors = []
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{site}{variant}/index.html", wait_until="load")
        page.wait_for_function("document.querySelector('div.gan-widget').dataset.ready === '1'", timeout=30000)
        count, count_cpu = measured(page, COUNT)
        page.evaluate(DRAW, images)
        forward, forward_cpu = measured(page, FORWARD)
        if errors:
            raise RuntimeError(f"{variant}: {errors[0]}")
    finally:
        context.close()
    return {"ms": forward["ms"] / images, "ms_cpu": forward_cpu * 1000 / images, "logits": forward["logits"],
            "s": count["seconds"], "s_cpu": count_cpu, "shares": count["shares"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--baseline", help="git revision of gan_widgets.js to compare with "
                        "(default: HEAD when the working tree changed the file, else the version before its last commit)")
    parser.add_argument("--images", type=positive_int, default=100, help="images for the timed forward")
    parser.add_argument("--rounds", type=positive_int, default=3, help="fresh pages per variant (each number: the best)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.exit(2, f"error: {CHROMIUM} is absent; install it (Debian: apt-get install chromium)\n")
    try:
        rev = args.baseline or default_baseline()
        commit, old = baseline_script(rev)
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        detail = getattr(err, "stderr", b"") or b""
        detail = detail.decode() if isinstance(detail, bytes) else detail
        parser.exit(2, f"error: no gan_widgets.js at git revision {args.baseline or 'default'!s}: "
                       f"{detail.strip() or err}; give --baseline a commit of this repository\n")
    scripts = {"baseline": old, "new": (WIDGETS / "gan_widgets.js").read_bytes()}
    return measure(args, commit, scripts)


def measure(args, commit, scripts):
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, scripts=scripts))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    changed = "" if scripts["baseline"] != scripts["new"] else " (the same file as the working tree's)"
    print(f"baseline: gan_widgets.js of {commit}{changed}; new: the working tree's")
    print(f"browser: {CHROMIUM}, headless; {os.cpu_count()} hardware threads")
    print("load average (1, 5, 15 min) before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{args.rounds} round(s), each: a fresh page, one press of 数一数 (2 × 200 samples), "
          f"then forward over {args.images} images (after a 20-image warm-up)")
    rounds = {v: [] for v in VARIANTS}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                for _ in range(args.rounds):  # alternating, so a busy spell slows both alike
                    for variant in VARIANTS:
                        rounds[variant].append(one_round(browser, site, variant, args.images))
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    best = {v: {k: min(r[k] for r in rounds[v]) for k in ("ms", "ms_cpu", "s", "s_cpu")} for v in VARIANTS}
    print()
    print(f"{'':22s}{'baseline':>10s}{'(CPU)':>8s}{'new':>10s}{'(CPU)':>8s}{'ratio':>8s}")
    for key, label in (("ms", "forward ms/image"), ("s", "数一数 seconds")):
        b, n = best["baseline"], best["new"]
        print(f"{label}{' ' * (22 - display_width(label))}{b[key]:10.2f}{b[key + '_cpu']:8.2f}"
              f"{n[key]:10.2f}{n[key + '_cpu']:8.2f}{b[key] / n[key]:7.2f}x")
    print()
    difference = max(abs(x - y) for a, b in zip(rounds["baseline"][0]["logits"], rounds["new"][0]["logits"])
                     for x, y in zip(a, b))
    digits = {v: [max(range(10), key=l.__getitem__) for l in rounds[v][0]["logits"]] for v in VARIANTS}
    same_counts = all(a["shares"] == b["shares"] for a, b in zip(rounds["baseline"], rounds["new"]))
    same_digits = digits["baseline"] == digits["new"]
    print(f"same results: digits of the {args.images} images {'yes' if same_digits else 'NO'}"
          f" (largest logit difference {difference:.1e}); counts of 数一数 {'yes' if same_counts else 'NO'}")
    print("load average (1, 5, 15 min) after:  " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    if not (same_digits and same_counts):
        print("error: the two versions of gan_widgets.js disagree (above): a speed-up must not change "
              "what the widget shows", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
