"""Seeds and the ablation of the chapter's five fixes (issue 6), scored with the score card.

Two experiments, both trained with listing 08's three steps per sample
(``gankit.train_gan_epochs``: the fast engine where it applies) and scored with
``gankit.evaluate.score_generator``:

- **seeds**: the first GAN (listings 03/06) and the improved GAN (listing 09)
  with several seeds at the chapter's budget (10 epochs on the full MNIST),
  scored after epoch 1 and after the last epoch; mean ± spread over seeds and
  how often the first GAN collapses (``COLLAPSE_RULE``).
- **ablation**: starting from the first GAN, each of the chapter's five fixes
  alone, then all five together (= listing 09):

  ============  ===================================================================
  ``gan``        the first GAN: MSELoss, SGD(lr=0.01), Sigmoid, 1 uniform seed value
  ``bce``        BCELoss instead of MSELoss (D's loss, which G's training uses too)
  ``layernorm``  Linear → LayerNorm(200) → LeakyReLU(0.02) in both hidden layers
  ``adam``       Adam(lr=0.0001) for both networks, as listing 09
  ``seed100``    100 seed values for G (still uniform in [0, 1))
  ``normal``     a normal seed, ``torch.randn`` (still 1 value)
  ``improved``   all five: listing 09's ImprovedDiscriminator/ImprovedGenerator
  ============  ===================================================================

  Each variant is a small subclass of the listing's class, made exactly the way
  listing 09 makes its classes: ``super().__init__()``, then replace the
  network, the loss or the optimiser. ``train()`` and ``forward()`` are the
  listings' own, nothing else changes: learning rates stay those of the
  listing the piece comes from (SGD 0.01 of listings 03/06, Adam 0.0001 of
  listing 09), nothing is tuned per variant.

Runs go to parallel processes, one thread each (at most ``os.cpu_count()``),
longest first. Checkpoints are reused: the first and improved GAN use the
listings' run names (``gan-idx60000-seed0-cpu-fast``, the ones ``make figures``
trains), the other variants ``ablation-<variant>-...``.

Command line (``make ablation``)::

    PYTHONPATH=codes python -m gankit.ablation [--data ../shared/data]   # seeds + ablation + tables
    PYTHONPATH=codes python -m gankit.ablation --part ablation --ablation-epochs 3
    PYTHONPATH=codes python -m gankit.ablation --quick                    # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m gankit.ablation --tables                   # only (re)write the tables

Results: ``RESULTS_DIR/ablation.json`` (settings, budgets, wall times, every
score card, the anchors), ``ablation.csv`` (one row per scored generator) and
``RESULTS_DIR/tables/*.md``, the Markdown tables the chapter includes; every
number in them is read from ``ablation.json``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from itertools import chain
from multiprocessing import get_context
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import torch
from torch import nn

from . import paths
from .data import DATA_ENV
from .device import DEVICE_ENV, set_seed, use_device


def _codes_on_path():
    codes = str(Path(__file__).resolve().parents[1])
    if codes not in sys.path:
        sys.path.insert(0, codes)


_codes_on_path()
from chapter_2_3_2_03 import Discriminator  # noqa: E402
from chapter_2_3_2_04 import generate_random  # noqa: E402
from chapter_2_3_2_06 import Generator  # noqa: E402
from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator, generate_random_seed  # noqa: E402

ABLATION_FILE = "ablation.json"
CSV_FILE = "ablation.csv"
TABLE_DIR = "tables"

# A generator has collapsed when fewer than 3 digits hold at least 1% of its samples,
# or when its digit distribution is far from uniform: KL(shares || uniform) > 1.5 nats
# (all samples spread evenly over 2 digits gives ln 5 = 1.61; over 3 digits, ln 10/3 = 1.20).
COLLAPSE_MIN_DIGITS = 3
COLLAPSE_KL = 1.5
COLLAPSE_RULE = (f"collapsed: fewer than {COLLAPSE_MIN_DIGITS} digits at >= 1% of samples, "
                 f"or KL(shares || uniform) > {COLLAPSE_KL}")

# The budgets. Full: the chapter's (10 epochs, all training images). Quick: CI.
FULL = {"seeds": [0, 1, 2, 3, 4], "seed_epochs": 10, "ablation_seeds": [0, 1, 2], "ablation_epochs": 10,
        "limit": None, "samples": 5000}
QUICK = {"seeds": [0, 1, 2], "seed_epochs": 2, "ablation_seeds": [0], "ablation_epochs": 2,
         "limit": 300, "samples": 300, "data": "builtin"}


# ------------------------------------------------------------------ the variants
# One fix each, made the way listing 09 makes its classes.
class BCEDiscriminator(Discriminator):
    """Fix 1 alone: BCELoss instead of MSELoss."""

    def __init__(self):
        super().__init__()
        self.loss_function = nn.BCELoss()


class LayerNormDiscriminator(Discriminator):
    """Fix 2 alone: LayerNorm then LeakyReLU(0.02) instead of Sigmoid in the hidden layer."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(784, 200),
            nn.LayerNorm(200),
            nn.LeakyReLU(0.02),
            nn.Linear(200, 1),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)  # the new weights, the same SGD


class LayerNormGenerator(Generator):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(1, 200),
            nn.LayerNorm(200),
            nn.LeakyReLU(0.02),
            nn.Linear(200, 784),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)


class AdamDiscriminator(Discriminator):
    """Fix 3 alone: Adam(lr=0.0001) instead of SGD(lr=0.01), as listing 09."""

    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)


class AdamGenerator(Generator):
    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)


class Seed100Generator(Generator):
    """Fix 4 alone: 100 seed values instead of 1."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(100, 200),
            nn.Sigmoid(),
            nn.Linear(200, 784),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)


@dataclass(frozen=True)
class Variant:
    name: str
    label: str  # English, for logs and the JSON
    label_zh: str  # for the chapter's tables
    fix: str
    D: type
    G: type
    seed_fn: Callable
    seed_size: int
    prefix: str  # checkpoint run name prefix


VARIANTS = {v.name: v for v in [
    Variant("gan", "first GAN (MSE, SGD, Sigmoid, 1 uniform seed)", "第一个 GAN（清单 03、06）", "none",
            Discriminator, Generator, generate_random, 1, "gan"),
    Variant("bce", "+ BCELoss", "只换 BCELoss", "loss",
            BCEDiscriminator, Generator, generate_random, 1, "ablation-bce"),
    Variant("layernorm", "+ LayerNorm & LeakyReLU(0.02)", "只换 LayerNorm + LeakyReLU", "layers",
            LayerNormDiscriminator, LayerNormGenerator, generate_random, 1, "ablation-layernorm"),
    Variant("adam", "+ Adam(lr=1e-4)", "只换 Adam", "optimiser",
            AdamDiscriminator, AdamGenerator, generate_random, 1, "ablation-adam"),
    Variant("seed100", "+ 100-value seed (uniform)", "只换 100 个种子值（仍为均匀分布）", "seed size",
            Discriminator, Seed100Generator, generate_random, 100, "ablation-seed100"),
    Variant("normal", "+ normal seed (1 value)", "只换正态分布种子（仍为 1 个值）", "seed distribution",
            Discriminator, Generator, generate_random_seed, 1, "ablation-normal"),
    Variant("improved", "all five (listing 09)", "五项全改（清单 09）", "all five",
            ImprovedDiscriminator, ImprovedGenerator, generate_random_seed, 100, "improved-gan"),
]}
SEED_VARIANTS = ["gan", "improved"]
# Relative training cost per image with the fast engine (measured; for longest-first scheduling only).
COST = {"gan": 1.0, "bce": 1.0, "layernorm": 1.0, "adam": 2.2, "seed100": 1.05, "normal": 1.0, "improved": 2.25}


def build(name: str):
    """(D, G, seed_fn, seed_size) of variant ``name``, untrained."""
    v = VARIANTS[name]
    return v.D(), v.G(), v.seed_fn, v.seed_size


# ------------------------------------------------------------------ one training run
def _job(part, variant, seed, epochs, score_epochs, cfg) -> dict:
    return {"part": part, "variant": variant, "seed": seed, "epochs": epochs,
            "score_epochs": sorted(set(score_epochs)), **cfg}


def _key(job) -> tuple:
    return job["variant"], job["seed"], job["epochs"], job["limit"]


def _init_worker():
    torch.set_num_threads(1)


def run_job(job: dict) -> dict:
    """Train (or load) one variant with one seed, then score it at ``score_epochs``. Runs in a worker."""
    from chapter_2_3_2_02 import MnistDataset
    from chapter_2_3_2_08 import train_gan

    from .engines import resolve_engine, train_gan_epochs
    from .cli import run_name
    from .evaluate import build_reference, score_generator
    from .training import Checkpoints

    torch.set_num_threads(1)
    v = VARIANTS[job["variant"]]
    device = use_device(job["device"])
    # the order of listing 08/09's main: seed, data, D, G
    set_seed(job["seed"])
    dataset = MnistDataset(job["data"], job["limit"])
    D, G = v.D(), v.G()
    args = SimpleNamespace(engine=job["engine"], device=device, seed=job["seed"], epochs=job["epochs"],
                           retrain=job["retrain"], checkpoints=job["checkpoints"])
    engine = resolve_engine(job["engine"], D, G, v.seed_fn, device)
    run = run_name(v.prefix, args, dataset, engine)
    ckpt = Checkpoints(run, job["checkpoints"])
    tag = f"[{job['part']} {v.name} seed {job['seed']}]"
    saved = [e for e in ckpt.epochs_saved() if e <= job["epochs"]]
    print(f"{tag} {run}: {max(saved, default=0)} of {job['epochs']} epochs saved", flush=True)
    before = {e: ckpt.path(e).stat().st_mtime_ns for e in saved}
    start = time.perf_counter()
    train_gan_epochs(v.prefix, args, dataset, D, G, train_gan, v.seed_fn, v.seed_size)
    train_seconds = time.perf_counter() - start
    # epochs trained in this call: checkpoint files written now (measured, not inferred)
    trained = sum(1 for e in range(1, job["epochs"] + 1)
                  if ckpt.path(e).is_file() and ckpt.path(e).stat().st_mtime_ns != before.get(e))

    start = time.perf_counter()
    ref = build_reference(job["score_data"], log=lambda *a: None)
    reference_seconds = time.perf_counter() - start
    scores = {}
    for epoch in job["score_epochs"]:
        G_e = v.G()
        Checkpoints(run, job["checkpoints"]).load(epoch, {"G": G_e}, restore_rng=False)
        card = score_generator(G_e, v.seed_fn, v.seed_size, n=job["samples"], seed=job["sample_seed"],
                               reference=ref)
        card["collapsed"] = is_collapsed(card)
        scores[str(epoch)] = card
        print(f"{tag} epoch {epoch}: digits>=1% {card['digits_at_least_1pct']}, KL {card['kl_uniform']:.3f}, "
              f"IS {card['inception_score']:.2f}, FID {card['fid']:.2f}, coverage {card['coverage']:.3f}"
              f"{' (collapsed)' if card['collapsed'] else ''}", flush=True)
    score_seconds = time.perf_counter() - start
    print(f"{tag} done: training {train_seconds:.0f} s, scoring {score_seconds:.0f} s", flush=True)
    return {"part": job["part"], "variant": v.name, "seed": job["seed"], "run": run, "engine": engine,
            "epochs": job["epochs"], "images": len(dataset), "epochs_loaded": job["epochs"] - trained,
            "epochs_trained": trained, "train_seconds": round(train_seconds, 1),
            "reference_seconds": round(reference_seconds, 1), "score_seconds": round(score_seconds, 1),
            "scores": scores}


def run_anchors(job: dict) -> dict:
    """The anchors' score cards (real, noisy, blurred, one digit), in a worker like the runs."""
    from .evaluate import build_reference, score_anchors

    torch.set_num_threads(1)
    start = time.perf_counter()
    ref = build_reference(job["score_data"], log=lambda *a: None)
    cards = score_anchors(n=job["samples"], seed=job["sample_seed"], reference=ref)
    return {"anchors": cards, "reference": ref.settings, "classifier": {
        k: v for k, v in ref.classifier.info.items() if k not in ("checkpoint", "loaded")},
        "seconds": round(time.perf_counter() - start, 1)}


# ------------------------------------------------------------------ summaries
def is_collapsed(card: dict) -> bool:
    return card["digits_at_least_1pct"] < COLLAPSE_MIN_DIGITS or card["kl_uniform"] > COLLAPSE_KL


SUMMARY_METRICS = ["digits_at_least_1pct", "kl_uniform", "inception_score", "mean_top_confidence", "fid",
                   "precision", "recall", "density", "coverage", "memorised_share"]


def summarise(cards: list[dict]) -> dict:
    """mean, sd (n - 1), min, max of each metric over seeds, and how many collapsed."""
    out = {"n": len(cards), "collapsed": sum(is_collapsed(c) for c in cards)}
    for m in SUMMARY_METRICS:
        values = [float(c[m]) for c in cards if c.get(m) is not None]
        if not values:
            continue
        out[m] = {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
                  "min": min(values), "max": max(values)}
    return out


def part_summary(runs: list[dict]) -> dict:
    """{variant: {epoch: summary over seeds}}."""
    out: dict = {}
    for r in runs:
        for epoch, card in r["scores"].items():
            out.setdefault(r["variant"], {}).setdefault(epoch, []).append(card)
    return {v: {e: summarise(cards) for e, cards in sorted(es.items(), key=lambda x: int(x[0]))}
            for v, es in out.items()}


# ------------------------------------------------------------------ the experiment
def plan(parts: list[str], budget: dict, cfg: dict) -> dict:
    """{part: [job, ...]} for the requested parts."""
    jobs = {}
    if "seeds" in parts:
        e = budget["seed_epochs"]
        jobs["seeds"] = [_job("seeds", v, s, e, [1, e], cfg) for v in SEED_VARIANTS for s in budget["seeds"]]
    if "ablation" in parts:
        e = budget["ablation_epochs"]
        jobs["ablation"] = [_job("ablation", v, s, e, [e], cfg) for v in VARIANTS for s in budget["ablation_seeds"]]
    return jobs



def reusable_runs(previous: dict, cfg: dict, images: int) -> dict:
    """Scored runs of an earlier ``ablation.json`` that a new run may reuse instead of scoring again:
    same data (the caller checks ``data_key``), the same ``images`` trained on, the same samples
    and sample seed. {key: run record}."""
    settings = previous.get("settings", {})
    if not previous or settings.get("samples") != cfg["samples"] or settings.get("sample_seed") != cfg["sample_seed"]:
        return {}
    out = {}
    for part in previous.get("parts", {}).values():
        if part.get("budget", {}).get("samples") != cfg["samples"]:
            continue
        for r in part.get("runs", []):
            if r["images"] != images:
                continue
            key = (r["variant"], r["seed"], r["epochs"], cfg["limit"])
            merged = out.setdefault(key, dict(r, scores={}, scores_reused=True))
            merged["scores"].update(r["scores"])
    return out


def run_experiment(parts: list[str], budget: dict, cfg: dict, workers: int, log=print,
                   on_part: Callable[[dict], None] | None = None, reuse: dict | None = None) -> dict:
    """Run the parts one after the other in one pool of ``workers`` processes; return the results dict.

    The anchors are scored first, beside the first runs; ``on_part(results)`` is called after
    every finished run (parts still running carry ``complete: false``), so an interrupted
    experiment leaves what it finished on disk.
    """
    from .classifier import load_classifier

    jobs = plan(parts, budget, cfg)
    load_classifier(cfg["score_data"], log=log)  # trained once here if missing, not in every worker
    results = {"parts": {}}
    done: dict = dict(reuse or {})  # a run shared by two parts (gan/improved) is trained and scored once
    os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", NUMBA_NUM_THREADS="1", TQDM_DISABLE="1")
    total = time.perf_counter()
    def take_anchors(wait: bool):
        if "anchors" not in results and (wait or anchors_future.done()):
            anchors = anchors_future.result()
            results.update(anchors=anchors["anchors"], reference=anchors["reference"],
                           classifier=anchors["classifier"], anchors_seconds=anchors["seconds"])

    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=_init_worker) as pool:
        anchors_future = pool.submit(run_anchors, dict(cfg))
        for part, part_jobs in jobs.items():
            start = time.perf_counter()
            todo = {}
            for job in part_jobs:
                k = _key(job)
                prev = done.get(k)
                if prev is None or not set(job["score_epochs"]) <= set(int(e) for e in prev["scores"]):
                    todo[k] = job
            # seed by seed (a partial run has whole seeds), longest first within a seed
            order = sorted(todo.values(), key=lambda j: (j["seed"], -COST[j["variant"]] * j["epochs"]))
            log(f"{part}: {len(part_jobs)} runs ({len(order)} to train or load, and score) "
                f"in {min(workers, max(len(order), 1))} processes", flush=True)
            futures = {pool.submit(run_job, j): j for j in order}
            pending = len(futures)
            for f in chain([None], as_completed(futures)):  # None: record what is reused before any run ends
                if f is not None:
                    done[_key(futures[f])] = f.result()
                    pending -= 1
                runs = []
                for job in part_jobs:
                    if _key(job) in done and {str(e) for e in job["score_epochs"]} <= set(done[_key(job)]["scores"]):
                        r = dict(done[_key(job)], part=part)
                        r["scores"] = {str(e): r["scores"][str(e)] for e in job["score_epochs"]}
                        runs.append(r)
                if not runs:
                    continue
                results["parts"][part] = {
                    "budget": {"epochs": part_jobs[0]["epochs"], "images": runs[0]["images"],
                               "seeds": sorted({r["seed"] for r in runs}),
                               "score_epochs": part_jobs[0]["score_epochs"], "samples": cfg["samples"]},
                    "complete": pending == 0, "runs_done": len(runs), "runs_planned": len(part_jobs),
                    "wall_seconds": round(time.perf_counter() - start, 1),
                    "train_seconds_sum": round(sum(r["train_seconds"] for r in runs), 1),
                    "runs": runs,
                    "summary": part_summary(runs),
                }
                take_anchors(wait=pending == 0)
                results["total_wall_seconds"] = round(time.perf_counter() - total, 1)
                if on_part and "anchors" in results:
                    on_part(results)  # after every finished run: an interrupted experiment keeps its numbers
            log(f"{part}: done in {time.perf_counter() - start:.0f} s", flush=True)
        take_anchors(wait=True)
    results["total_wall_seconds"] = round(time.perf_counter() - total, 1)
    return results


def _hidden(model) -> str:
    """The hidden block of a listing network, e.g. ``Sigmoid`` or ``LayerNorm + LeakyReLU(0.02)``."""
    parts = []
    for m in list(model.model)[1:-2]:
        parts.append(f"LeakyReLU({m.negative_slope})" if isinstance(m, nn.LeakyReLU) else type(m).__name__)
    return " + ".join(parts)


def _seed_distribution(seed_fn) -> str:
    """``uniform`` or ``normal``, told from 10,000 draws (PyTorch's random state is left as it was)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        x = seed_fn(10000)
    return "uniform" if float(x.min()) >= 0 and float(x.max()) < 1 else "normal"


def variant_settings() -> dict:
    """What each variant is made of, read from the objects themselves (not typed)."""
    out = {}
    for name, v in VARIANTS.items():
        with torch.random.fork_rng(devices=[]):
            D, G = v.D(), v.G()
        out[name] = {
            "label": v.label, "label_zh": v.label_zh, "fix": v.fix, "run_prefix": v.prefix,
            "D": f"{type(D).__name__}: {' > '.join(type(m).__name__ for m in D.model)}",
            "G": f"{type(G).__name__}: {' > '.join(type(m).__name__ for m in G.model)}",
            "D_hidden": _hidden(D), "G_hidden": _hidden(G),
            "loss": type(D.loss_function).__name__,
            "D_optimiser": f"{type(D.optimiser).__name__}(lr={D.optimiser.param_groups[0]['lr']})",
            "G_optimiser": f"{type(G.optimiser).__name__}(lr={G.optimiser.param_groups[0]['lr']})",
            "seed_function": v.seed_fn.__name__, "seed_size": v.seed_size,
            "seed_distribution": _seed_distribution(v.seed_fn),
        }
    return out


def _rounded(x):
    """Floats to 4 decimals, NaN/inf to null: evaluate's rule, one for every results file."""
    from .evaluate import _rounded as rounded

    return rounded(x)


def write_results(results: dict, path: Path, settings: dict) -> Path:
    """Merge the parts of this run into ``path`` (a part run again replaces the old one)."""
    data = json.loads(path.read_text()) if path.is_file() else {}
    if data.get("settings", {}).get("data_key") not in (None, settings["data_key"]):
        data = {}  # another data source: start again
    data["settings"] = settings
    data["variants"] = variant_settings()
    data.setdefault("parts", {}).update({name: dict(part, run_settings=settings)
                                         for name, part in results["parts"].items()})
    for k in ("anchors", "reference", "classifier", "anchors_seconds"):
        data[k] = results[k]
    data.setdefault("wall_seconds", {}).update({p: v["wall_seconds"] for p, v in results["parts"].items()})
    data["wall_seconds"]["last_run_total"] = results["total_wall_seconds"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(_rounded(data), indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    write_csv(data, path.with_name(CSV_FILE))
    return path


CSV_COLUMNS = ["part", "variant", "seed", "epoch", "epochs", "images", "run", "engine", "collapsed",
               "digits_at_least_1pct", "kl_uniform", "inception_score", "mean_top_confidence", "fid",
               "precision", "recall", "density", "coverage", "memorised_share", "n",
               "train_seconds", "epochs_trained"] + [f"share_{d}" for d in range(10)]


def write_csv(data: dict, path: Path) -> Path:
    rows = []
    for part, p in data.get("parts", {}).items():
        for r in p["runs"]:
            for epoch, card in r["scores"].items():
                row = {**{k: r.get(k) for k in CSV_COLUMNS}, **{k: card.get(k) for k in CSV_COLUMNS if k in card}}
                row.update(part=part, epoch=epoch, collapsed=is_collapsed(card),
                           **{f"share_{d}": s for d, s in enumerate(card["shares"])})
                rows.append(row)
    for name, card in data.get("anchors", {}).items():
        rows.append({**{k: card.get(k) for k in CSV_COLUMNS}, "part": "anchor", "variant": name,
                     "collapsed": is_collapsed(card), **{f"share_{d}": s for d, s in enumerate(card["shares"])}})
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, CSV_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def read_results(path=None) -> dict:
    """What ``write_results`` wrote ({} if nothing yet)."""
    path = Path(path or paths.RESULTS_DIR / ABLATION_FILE)
    return json.loads(path.read_text()) if path.is_file() else {}


# ------------------------------------------------------------------ tables for the book
TABLE_COLUMNS = [("数字数 ≥1%", "digits_at_least_1pct", 0), ("KL", "kl_uniform", 3), ("IS", "inception_score", 2),
                 ("FID", "fid", 2), ("precision", "precision", 3), ("recall", "recall", 3),
                 ("coverage", "coverage", 3), ("记忆", "memorised_share", 3)]
ANCHOR_LABELS_ZH = {"real": "锚点：真实测试图像", "noisy": "锚点：真实图像 + 高斯噪声 σ=0.2",
                    "blurred": "锚点：模糊的真实图像", "single_digit": "锚点：只有数字 1 的真实图像"}


def _fmt(value, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _cell(summary_or_card: dict, key: str, digits: int) -> str:
    """A card's value, or ``mean ± sd`` of a summary over several seeds."""
    v = summary_or_card.get(key)
    if isinstance(v, dict):
        if summary_or_card["n"] > 1:
            digits = max(digits, 1)  # a mean of counts is not a count
            return f"{_fmt(v['mean'], digits)} ± {_fmt(v['sd'], digits)}"
        v = v["mean"]
    return _fmt(v, digits)


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header, rows, text_columns: int = 1) -> list[str]:
    """A pipe table: the first ``text_columns`` columns left-aligned, the numbers right-aligned."""
    align = [":---"] * text_columns + ["---:"] * (len(header) - text_columns)
    return [_row(header), _row(align), *[_row(r) for r in rows]]


def _budget_text(budget: dict, data: dict, part: dict | None = None) -> str:
    seeds = budget["seeds"]
    text = (f"每个生成器训练 {budget['epochs']} 个轮次，{budget['images']} 张训练图像"
            f"（{data['settings']['data']}），随机种子 {', '.join(map(str, seeds))}；"
            f"每个生成器取 {budget['samples']} 个样本打分")
    if part is not None and not part.get("complete", True):
        text += f"（未完成：计划 {part['runs_planned']} 次训练，已完成 {part['runs_done']} 次）"
    return text


def seeds_table(data: dict) -> str:
    part = data["parts"]["seeds"]
    b = part["budget"]
    header = ["模型", "轮次", "崩溃次数"] + [h for h, _, _ in TABLE_COLUMNS]
    rows = []
    for v in SEED_VARIANTS:
        for epoch, s in part["summary"].get(v, {}).items():
            rows.append([data["variants"][v]["label_zh"], epoch, f"{s['collapsed']}/{s['n']}"]
                        + [_cell(s, k, d) for _, k, d in TABLE_COLUMNS])
    lines = _table(header, rows, 1)
    lines += ["", f"{_budget_text(b, data, part)}。表中为 {len(b['seeds'])} 个种子的均值 ± 标准差（n − 1）。"
                  f"崩溃的定义：{COLLAPSE_RULE_ZH}。"]
    return "\n".join(lines) + "\n"


def seed_runs_table(data: dict) -> str:
    part = data["parts"]["seeds"]
    header = ["模型", "种子", "轮次", "崩溃"] + [h for h, _, _ in TABLE_COLUMNS] + ["各数字占比（0–9，%）"]
    rows = []
    for r in part["runs"]:
        for epoch, c in r["scores"].items():
            rows.append([data["variants"][r["variant"]]["label_zh"], r["seed"], epoch,
                         "是" if is_collapsed(c) else "否"] + [_cell(c, k, d) for _, k, d in TABLE_COLUMNS]
                        + [" ".join(f"{100 * s:.0f}" for s in c["shares"])])
    return "\n".join(_table(header, rows, 1)) + "\n"


def ablation_table(data: dict) -> str:
    part = data["parts"]["ablation"]
    b = part["budget"]
    epoch = str(b["epochs"])
    header = ["变体", "改动", "崩溃"] + [h for h, _, _ in TABLE_COLUMNS]
    rows = []
    for v in VARIANTS:
        s = part["summary"].get(v, {}).get(epoch)
        if s is None:
            continue
        info = data["variants"][v]
        rows.append([info["label_zh"], _change_text(info, data["variants"]["gan"]), f"{s['collapsed']}/{s['n']}"]
                    + [_cell(s, k, d) for _, k, d in TABLE_COLUMNS])
    for name, card in data.get("anchors", {}).items():
        rows.append([ANCHOR_LABELS_ZH.get(name, name), "", ""] + [_cell(card, k, d) for _, k, d in TABLE_COLUMNS])
    lines = _table(header, rows, 2)
    seeds_note = "" if len(b["seeds"]) == 1 else f"表中为 {len(b['seeds'])} 个种子的均值 ± 标准差。"
    lines += ["", f"{_budget_text(b, data, part)}。{seeds_note}锚点用同一份打分程序、同样多的图像评分。"]
    return "\n".join(lines) + "\n"


def anchors_table(data: dict) -> str:
    header = ["锚点"] + [h for h, _, _ in TABLE_COLUMNS]
    rows = [[ANCHOR_LABELS_ZH.get(n, n)] + [_cell(c, k, d) for _, k, d in TABLE_COLUMNS]
            for n, c in data.get("anchors", {}).items()]
    return "\n".join(_table(header, rows, 1)) + "\n"


def timing_table(data: dict) -> str:
    header = ["部分", "训练预算", "并行进程", "墙钟时间（分钟）"]
    rows = []
    for name, p in data.get("parts", {}).items():
        b = p["budget"]
        new = sum(1 for r in p["runs"] if r["epochs_trained"] > 0 and not r.get("scores_reused"))
        text = f"{new} 次训练 × {b['epochs']} 轮次 × {b['images']} 张"
        if new < len(p["runs"]):
            text += f"；另有 {len(p['runs']) - new} 次沿用已有的检查点或分数"
        workers = p.get("run_settings", data["settings"])["workers"]
        rows.append([{"seeds": "多种子", "ablation": "消融"}.get(name, name), text, workers,
                     f"{p['wall_seconds'] / 60:.1f}"])
    if "anchors_seconds" in data:
        rows.append(["锚点打分（与第一部分并行）", "4 组真实图像", 1, f"{data['anchors_seconds'] / 60:.1f}"])
    return "\n".join(_table(header, rows, 2)) + "\n"


COLLAPSE_RULE_ZH = (f"样本中占比至少 1% 的数字少于 {COLLAPSE_MIN_DIGITS} 个，"
                    f"或数字分布与均匀分布的 KL 散度大于 {COLLAPSE_KL}")


def _change_text(info: dict, base: dict) -> str:
    """What differs from the first GAN, read from the variant settings in the results file."""
    changes = []
    if info["loss"] != base["loss"]:
        changes.append(f"{base['loss']} → {info['loss']}")
    if (info["D_hidden"], info["G_hidden"]) != (base["D_hidden"], base["G_hidden"]):
        changes.append(f"{base['D_hidden']} → {info['D_hidden']}")
    if (info["D_optimiser"], info["G_optimiser"]) != (base["D_optimiser"], base["G_optimiser"]):
        changes.append(f"{base['D_optimiser']} → {info['D_optimiser']}")
    if info["seed_size"] != base["seed_size"]:
        changes.append(f"种子 {base['seed_size']} → {info['seed_size']} 个值")
    if info["seed_distribution"] != base["seed_distribution"]:
        zh = {"uniform": "均匀分布", "normal": "正态分布"}
        changes.append(f"种子{zh[base['seed_distribution']]} → {zh[info['seed_distribution']]}")
    if len(changes) == 5:
        return "以上五项全改"
    return "；".join(changes) or "（基线）"


def write_tables(data: dict, folder: Path) -> list[Path]:
    """The chapter's Markdown tables, every number read from ``data`` (ablation.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    makers = {"seeds.md": seeds_table, "seed-runs.md": seed_runs_table, "ablation.md": ablation_table,
              "anchors.md": anchors_table, "timing.md": timing_table}
    needs = {"seeds.md": "seeds", "seed-runs.md": "seeds", "ablation.md": "ablation"}
    for name, make in makers.items():
        if needs.get(name) and needs[name] not in data.get("parts", {}):
            continue
        target = folder / name
        target.write_text(make(data), encoding="utf-8")
        written.append(target)
    return written


# ------------------------------------------------------------------ the comparison figure
def comparison_shares(data: dict, seed: int = 0) -> dict:
    """Digit shares for the mode-collapse comparison: first GAN after 1 and after the last epoch,
    improved GAN after the last epoch, from the seeds part of ``data`` (ablation.json), one seed."""
    part = data["parts"]["seeds"]
    last = str(part["budget"]["epochs"])
    runs = {(r["variant"], r["seed"]): r for r in part["runs"]}
    return {f"first GAN, epoch 1 (seed {seed})": runs[("gan", seed)]["scores"]["1"]["shares"],
            f"first GAN, epoch {last} (seed {seed})": runs[("gan", seed)]["scores"][last]["shares"],
            f"improved GAN, epoch {last} (seed {seed})": runs[("improved", seed)]["scores"][last]["shares"]}


def plot_digit_shares(shares: dict, axes=None):
    """Bar charts of the digit shares (classifier's argmax), one panel per generator, side by side.

    ``shares`` maps a panel title to 10 shares (``comparison_shares(read_results())``).
    Returns the figure.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, len(shares), figsize=(3.6 * len(shares), 3.0), sharey=True)
    axes = list(axes) if hasattr(axes, "__len__") else [axes]
    for ax, (title, values) in zip(axes, shares.items()):
        ax.bar(range(10), [100 * s for s in values], color="tab:blue")
        ax.axhline(10, color="tab:red", linestyle="--", linewidth=1, label="uniform 10%")
        ax.set_xticks(range(10))
        ax.set_xlabel("digit (classifier)")
        ax.set_ylim(0, 100)
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("share of samples (%)")
    axes[0].legend(loc="upper right", fontsize=8)
    fig = axes[0].figure
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ command line
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Seeds and the ablation of the five fixes, scored with the score card (issue 6).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"CI size: built-in data, {QUICK['limit']} images, {QUICK['seed_epochs']} epochs, "
                             f"{QUICK['samples']} samples; results under _build/quick/results")
    parser.add_argument("--tables", action="store_true", help="only write the tables from the results file")
    parser.add_argument("--figure", action="store_true",
                        help="only save the digit-share comparison figure (digit-shares.png) from the results file")
    parser.add_argument("--part", choices=["all", "seeds", "ablation"], default="all")
    parser.add_argument("--data", default=None, help=f"MNIST source (${DATA_ENV}; default auto)")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    parser.add_argument("--seeds", type=int, nargs="+", help="seeds of the seeds part (default 0 1 2)")
    parser.add_argument("--seed-epochs", type=int, help="epochs of the seeds part (default 10)")
    parser.add_argument("--ablation-seeds", type=int, nargs="+", help="seeds of the ablation (default 0)")
    parser.add_argument("--ablation-epochs", type=int, help="epochs of the ablation (default 10)")
    parser.add_argument("-n", "--samples", type=int, help="samples per generator (default 5000)")
    parser.add_argument("--sample-seed", type=int, default=0, help="seed of the samples drawn for scoring")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="parallel processes, one thread each (at most os.cpu_count())")
    parser.add_argument("--engine", default="auto", help="auto, listing or fast (gankit.engines)")
    parser.add_argument("--device", default=os.environ.get(DEVICE_ENV, "auto"), help=f"(${DEVICE_ENV})")
    parser.add_argument("--retrain", action="store_true", help="train every run again from scratch")
    parser.add_argument("--rescore", action="store_true",
                        help="score every run again instead of reusing the score cards in the results file")
    parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR), help="checkpoint folder")
    parser.add_argument("--results", default=None, help="results folder (default RESULTS_DIR)")
    args = parser.parse_args(argv)

    quick = args.quick or paths.QUICK
    results_dir = Path(args.results) if args.results else (
        paths.PROJECT_ROOT / "_build" / "quick" / "results" if quick else paths.RESULTS_DIR)
    out = results_dir / ABLATION_FILE
    if args.tables or args.figure:
        data = read_results(out)
        if not data:
            print(f"error: {out} does not exist; run python -m gankit.ablation first", file=sys.stderr)
            return 1
        if args.tables:
            for p in write_tables(data, results_dir / TABLE_DIR):
                print(f"table: wrote {paths.relative(p)}")
        if args.figure and "seeds" in data.get("parts", {}):
            from .figures import save_figure

            fig = plot_digit_shares(comparison_shares(data))
            save_figure("digit-shares", paths.PROJECT_ROOT / "_build" / "quick" / "_static" / "2" / "2.3"
                        if quick else paths.FIGURE_DIR, fig)
        return 0

    budget = dict(QUICK if quick else FULL)
    for name in ("seeds", "seed_epochs", "ablation_seeds", "ablation_epochs", "limit", "samples"):
        if getattr(args, name) is not None:
            budget[name] = getattr(args, name)
    data_source = args.data or budget.get("data") or os.environ.get(DATA_ENV) or "auto"
    workers = max(1, min(args.workers, os.cpu_count() or 1))
    cfg = {"data": data_source, "score_data": data_source, "limit": budget["limit"], "samples": budget["samples"],
           "sample_seed": args.sample_seed, "checkpoints": args.checkpoints, "device": args.device,
           "engine": args.engine, "retrain": args.retrain}
    parts = ["seeds", "ablation"] if args.part == "all" else [args.part]

    from .data import load_mnist
    from .classifier import data_key

    train = load_mnist(data_source, "train", quiet=True)
    used = len(train) if budget["limit"] is None else min(budget["limit"], len(train))
    print(f"ablation: {train.describe(used)} | parts: {', '.join(parts)} | seeds part: {budget['seed_epochs']} "
          f"epochs, seeds {budget['seeds']} | ablation: {budget['ablation_epochs']} epochs, seeds "
          f"{budget['ablation_seeds']} | {budget['samples']} samples per generator | {workers} processes, "
          f"1 thread each | {COLLAPSE_RULE}", flush=True)
    settings = {"data": train.source, "data_key": data_key(train), "train_images_used": used,
                "samples": budget["samples"], "sample_seed": args.sample_seed, "workers": workers,
                "threads_per_worker": 1, "cpu_count": os.cpu_count(), "device": args.device, "engine": args.engine,
                "quick": quick, "collapse_rule": COLLAPSE_RULE, "collapse_min_digits": COLLAPSE_MIN_DIGITS,
                "collapse_kl": COLLAPSE_KL, "torch": torch.__version__,
                "started": time.strftime("%Y-%m-%d %H:%M:%S")}

    def save(results):
        written = write_results(results, out, settings)
        tables = write_tables(read_results(out), results_dir / TABLE_DIR)
        state = ", ".join(f"{name} {p['runs_done']}/{p['runs_planned']} runs" for name, p in results["parts"].items())
        print(f"results: wrote {paths.relative(written)}, {CSV_FILE} and {len(tables)} tables in "
              f"{paths.relative(results_dir / TABLE_DIR)} ({state})", flush=True)

    reuse = {}
    if not (args.retrain or args.rescore):
        previous = read_results(out)
        if previous.get("settings", {}).get("data_key") == settings["data_key"]:
            reuse = reusable_runs(previous, cfg, used)
            if reuse:
                print(f"reusing the score cards of {len(reuse)} runs from {paths.relative(out)} (--rescore to redo)")
    results = run_experiment(parts, budget, cfg, workers, on_part=save, reuse=reuse)
    for part, p in results["parts"].items():
        print(f"{part}: {p['wall_seconds'] / 60:.1f} min wall")
    print(f"anchors: {results['anchors_seconds']:.0f} s (beside the first part); "
          f"total {results['total_wall_seconds'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    from gankit.ablation import main as _main  # the pool's workers import this module by its name

    sys.exit(_main())
