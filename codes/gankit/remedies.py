"""Going further (issue 7): remedies for the improved GAN's remaining mode collapse, scored.

Every remedy is a small change from the improved GAN of listing 09, made the way
listing 09 makes its classes (``super().__init__()``, then replace a piece).
All are trained with listing 10's ``train_gan_batches``: the three steps of
listing 08, on mini-batches of 64 shuffled images instead of one image at a time.

=====================  ==========================================================  =============================
``minibatch``          mini-batches of 64, Adam lr 4e-4 (listing 10's BatchDiscriminator) Goodfellow et al. 2014, Alg. 1
``pacgan2``            + D judges 2 images at once (PackedDiscriminator)              Lin et al. 2018 (PacGAN)
``feature-matching``   + G matches the mean of D's hidden features (listing 10)       Salimans et al. 2016, sec. 3.1
``minibatch-discrim``  + a minibatch-discrimination layer in D (20 kernels x 5)        Salimans et al. 2016, sec. 3.2
``label-smoothing``    + one-sided label smoothing: D's real target 0.9               Salimans et al. 2016, sec. 3.4
``spectral-norm``      + spectral normalisation of D's two Linear layers              Miyato et al. 2018
``ttur``               + two time-scales: D lr 4e-4, G lr 1e-4                        Heusel et al. 2017
=====================  ==========================================================  =============================

The budget: every remedy gets the same number of epochs (``FULL['epochs']``
passes over the 60,000 training images, 938 generator updates each), chosen
so that each remedy's CPU time (``time.process_time`` in a one-thread process)
stays within the CPU time of the improved GAN's 10 per-sample epochs with the
fast engine, which ``measure_budget`` measures in the same run. Both are
written to the results file.

Command line (``make remedies``)::

    PYTHONPATH=codes python -m gankit.remedies [--data ../shared/data]   # all remedies x 3 seeds, table, figures
    PYTHONPATH=codes python -m gankit.remedies --quick                    # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m gankit.remedies --tables                   # only the table and figures, from the JSON

Results: ``RESULTS_DIR/remedies.json`` and ``RESULTS_DIR/tables/remedies.md``;
figure 2-69 (the best remedy's samples beside the digit shares of the improved GAN
and of the best remedy); figure 2-68 is listing 10's own output.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from types import SimpleNamespace

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
from chapter_2_3_2_09 import generate_random_seed  # noqa: E402
from chapter_2_3_2_10 import (BATCH_SIZE, LEARNING_RATE, BatchDiscriminator, BatchGenerator,  # noqa: E402
                              FeatureMatchingGenerator, train_gan_batches)

RESULTS_FILE = "remedies.json"
TABLE_FILE = "remedies.md"
SEED_SIZE = 100
SMOOTH_TARGET = 0.9
MBD_KERNELS, MBD_DIMS = 20, 5
TTUR_D_LR, TTUR_G_LR = 4e-4, 1e-4

# The goal of issue 7 for the best remedy (means over seeds).
GOAL = {"min_share": 0.05, "kl_uniform": 0.1, "inception_score": 7.0, "memorised_share": 0.01}

FULL = {"seeds": [0, 1, 2], "epochs": 20, "limit": None, "samples": 5000, "budget_epochs": 1}
# Minibatch discrimination compares every pair of samples in a batch: a step costs about twice as
# much CPU as the others', so it gets fewer epochs to stay within the same CPU budget.
EPOCHS_FACTOR = {"minibatch-discrim": 0.5}
QUICK = {"seeds": [0, 1, 2], "epochs": 2, "limit": 320, "samples": 300, "budget_epochs": 1, "data": "builtin"}


# ------------------------------------------------------------------ the remedies
class MinibatchDiscriminator(BatchDiscriminator):
    """Listing 10's discriminator: listing 09's, with the mini-batch learning rate."""


class PackedDiscriminator(MinibatchDiscriminator):
    """Lin et al. 2018 (PacGAN): D judges ``pack`` images at once, concatenated; a pack is all real
    or all generated, so D can see that the images of a pack are too alike (mode collapse)."""

    def __init__(self, pack: int = 2):
        super().__init__()
        self.pack = pack
        self.model[0] = nn.Linear(784 * pack, 200)  # input: pack images end to end
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)

    def forward(self, inputs):
        return self.model(inputs.reshape(-1, 784 * self.pack))  # (n, 784) -> (n/pack, 784*pack)


class MinibatchDiscrimination(nn.Module):
    """Salimans et al. 2016, 3.2: append to each sample's features how close it is to the others.

    M = x T reshaped (n, kernels, dims); o_b(x_i) = sum_j exp(-||M_i,b - M_j,b||_1) over the
    other samples j of the batch; output [x, o] with ``kernels`` extra values.
    """

    def __init__(self, in_features: int, kernels: int = MBD_KERNELS, dims: int = MBD_DIMS):
        super().__init__()
        self.kernels, self.dims = kernels, dims
        self.T = nn.Parameter(torch.randn(in_features, kernels * dims) * 0.1)

    def forward(self, x):
        M = (x @ self.T).view(-1, self.kernels, self.dims).transpose(0, 1)  # (kernels, n, dims)
        l1 = torch.cdist(M, M, p=1)  # (kernels, n, n): L1 distances between the samples' rows
        o = torch.exp(-l1).sum(2).T - 1  # (n, kernels), minus the sample itself (exp(0) = 1)
        return torch.cat([x, o], 1)


class MinibatchDiscriminationDiscriminator(MinibatchDiscriminator):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(784, 200),
            nn.LayerNorm(200),
            nn.LeakyReLU(0.02),
            MinibatchDiscrimination(200),
            nn.Linear(200 + MBD_KERNELS, 1),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)


class LabelSmoothingDiscriminator(MinibatchDiscriminator):
    """Salimans et al. 2016, 3.4: one-sided label smoothing, real targets 0.9 (fake stay 0)."""

    def train(self, inputs, targets):
        super().train(inputs, targets.clamp(max=SMOOTH_TARGET))


class SpectralNormDiscriminator(MinibatchDiscriminator):
    """Miyato et al. 2018: each Linear weight divided by its largest singular value (power iteration)."""

    def __init__(self):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        self.model[0] = sn(self.model[0])
        self.model[3] = sn(self.model[3])
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)


class TTURDiscriminator(MinibatchDiscriminator):
    """Heusel et al. 2017: D learns on a faster time scale than G."""

    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=TTUR_D_LR)


class TTURGenerator(BatchGenerator):
    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=TTUR_G_LR)


@dataclass(frozen=True)
class Remedy:
    name: str
    label: str  # English, for logs and the JSON
    label_zh: str  # for the chapter's table
    source: str
    D: type
    G: type


REMEDIES = {r.name: r for r in [
    Remedy("minibatch", "mini-batches of 64, Adam lr 4e-4", "小批量训练（64 张，lr 4e-4）",
           "Goodfellow et al. 2014", MinibatchDiscriminator, BatchGenerator),
    Remedy("pacgan2", "+ PacGAN, D judges 2 images at once", "+ PacGAN 打包 2 张",
           "Lin et al. 2018", PackedDiscriminator, BatchGenerator),
    Remedy("feature-matching", "+ feature matching (listing 10)", "+ 特征匹配（清单 10）",
           "Salimans et al. 2016", MinibatchDiscriminator, FeatureMatchingGenerator),
    Remedy("minibatch-discrim", "+ minibatch discrimination", "+ 小批量判别",
           "Salimans et al. 2016", MinibatchDiscriminationDiscriminator, BatchGenerator),
    Remedy("label-smoothing", "+ one-sided label smoothing (0.9)", "+ 单侧标签平滑（0.9）",
           "Salimans et al. 2016", LabelSmoothingDiscriminator, BatchGenerator),
    Remedy("spectral-norm", "+ spectral normalisation in D", "+ 判别器谱归一化",
           "Miyato et al. 2018", SpectralNormDiscriminator, BatchGenerator),
    Remedy("ttur", "+ two time-scales (D lr 4e-4, G lr 1e-4)", "+ 双时间尺度（D 4e-4，G 1e-4）",
           "Heusel et al. 2017", TTURDiscriminator, TTURGenerator),
]}


def build(name: str):
    """(D, G) of remedy ``name``, untrained."""
    r = REMEDIES[name]
    return r.D(), r.G()


def epochs_for(name: str, epochs: int) -> int:
    """The epochs of remedy ``name`` when the others train ``epochs``."""
    return max(1, round(epochs * EPOCHS_FACTOR.get(name, 1.0)))


def run_prefix(name: str) -> str:
    """Checkpoint run prefix; listing 10 uses ``remedy-feature-matching``."""
    return f"remedy-{name}"


# ------------------------------------------------------------------ the budget
def measure_budget(data_source, epochs: int = 1, limit=None) -> dict:
    """CPU seconds (``time.process_time``, this one-thread process) of the improved GAN's
    per-sample epochs with the fast engine, extrapolated to listing 09's 10 epochs."""
    from chapter_2_3_2_02 import MnistDataset
    from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator

    from .fast import FastGAN

    torch.set_num_threads(1)
    set_seed(0)
    dataset = MnistDataset(data_source, limit)
    D, G = ImprovedDiscriminator(), ImprovedGenerator()
    trainer = FastGAN(D, G, generate_random_seed, SEED_SIZE)
    trainer.train_epoch(dataset.images[:1000], desc="compile")  # numba's compilation is not training
    D, G = ImprovedDiscriminator(), ImprovedGenerator()
    trainer = FastGAN(D, G, generate_random_seed, SEED_SIZE)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(epochs):
        trainer.train_epoch(dataset.images, desc="budget")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"what": "improved GAN (listing 09), per-sample, fast engine, 1 thread",
            "images": len(dataset), "epochs_measured": epochs, "cpu_seconds_per_epoch": cpu / epochs,
            "wall_seconds_per_epoch": wall / epochs, "cpu_seconds_10_epochs": 10 * cpu / epochs}


# ------------------------------------------------------------------ one training run
def _init_worker():
    torch.set_num_threads(1)


def _cpu_log(folder: Path) -> Path:
    return folder / "cpu_seconds.json"


def train_remedy(name: str, seed: int, data, limit, epochs: int, checkpoints, device="cpu", retrain=False,
                 log=print):
    """Train (or load, or resume) remedy ``name`` with one seed; return (D, G, dataset, info)."""
    from chapter_2_3_2_02 import MnistDataset

    from .cli import run_name
    from .training import Checkpoints, train_epochs

    device = use_device(device)
    set_seed(seed)  # the order of listing 10's main: seed, data, D, G
    dataset = MnistDataset(data, limit)
    D, G = build(name)
    args = SimpleNamespace(device=device, seed=seed)
    run = run_name(run_prefix(name), args, dataset)
    ckpt = Checkpoints(run, checkpoints)
    if retrain:
        ckpt.clear()
    cpu_file = _cpu_log(ckpt.folder)
    cpu_per_epoch = json.loads(cpu_file.read_text()) if cpu_file.is_file() and not retrain else {}

    def one_epoch(epoch):
        start = time.process_time()
        train_gan_batches(D, G, dataset)
        cpu_per_epoch[str(epoch)] = round(time.process_time() - start, 2)

    wall = time.perf_counter()
    train_epochs(run, {"D": D, "G": G}, one_epoch, epochs, False, checkpoints, log=log)
    wall = time.perf_counter() - wall
    ckpt.folder.mkdir(parents=True, exist_ok=True)
    cpu_file.write_text(json.dumps(cpu_per_epoch, indent=1) + "\n")
    known = [cpu_per_epoch.get(str(e)) for e in range(1, epochs + 1)]
    cpu = sum(known) if all(k is not None for k in known) else None
    info = {"remedy": name, "seed": seed, "run": run, "epochs": epochs, "images": len(dataset),
            "batch_size": BATCH_SIZE, "generator_updates": G.counter, "cpu_seconds": cpu,
            "wall_seconds_this_call": round(wall, 1)}
    return D, G, dataset, info


def run_job(job: dict) -> dict:
    """Train one remedy with one seed, then score it. Runs in a worker process."""
    from .ablation import is_collapsed
    from .evaluate import build_reference, score_generator

    torch.set_num_threads(1)
    tag = f"[{job['remedy']} seed {job['seed']}]"
    D, G, dataset, info = train_remedy(job["remedy"], job["seed"], job["data"], job["limit"], job["epochs"],
                                       job["checkpoints"], job["device"], job["retrain"],
                                       log=lambda m: print(f"{tag} {m}", flush=True))
    start = time.perf_counter()
    ref = build_reference(job["data"], log=lambda *a: None)
    card = score_generator(G, generate_random_seed, SEED_SIZE, n=job["samples"], seed=job["sample_seed"],
                           reference=ref)
    card["collapsed"] = is_collapsed(card)
    card["min_share"] = min(card["shares"])
    info["score_seconds"] = round(time.perf_counter() - start, 1)
    cpu = f"{info['cpu_seconds']:.0f} s CPU" if info["cpu_seconds"] is not None else "CPU time unknown"
    print(f"{tag} {info['epochs']} epochs, {info['generator_updates']} G updates, {cpu}: "
          f"min share {card['min_share']:.3f}, KL {card['kl_uniform']:.3f}, IS {card['inception_score']:.2f}, "
          f"FID {card['fid']:.1f}, coverage {card['coverage']:.3f}, memorised {card['memorised_share']:.3f}",
          flush=True)
    return {**info, "card": card}


def run_budget(job: dict) -> dict:
    return measure_budget(job["data"], job["budget_epochs"], job["limit"])


def run_anchors(job: dict) -> dict:
    from .ablation import run_anchors as anchors

    return anchors({"score_data": job["data"], "samples": job["samples"], "sample_seed": job["sample_seed"]})


def baselines_from_ablation(data) -> set:
    """Which baselines results/ablation.json holds for this data source (its seeds part)."""
    from .ablation import read_results
    from .classifier import data_key
    from .data import load_mnist

    ablation = read_results()
    part = ablation.get("parts", {}).get("seeds")
    if not part or ablation.get("settings", {}).get("data_key") != data_key(load_mnist(data, "train", quiet=True)):
        return set()
    return {r["variant"] for r in part["runs"]}


def score_baselines(data, samples, sample_seed, checkpoints, log=print) -> dict:
    """The first GAN and the improved GAN, 10 epochs: from results/ablation.json (seeds part)
    when it exists for the same data, else the seed-0 checkpoints of ``make figures``."""
    from .ablation import is_collapsed, read_results
    from .classifier import data_key
    from .data import load_mnist
    from .evaluate import build_reference, load_generator, score_generator
    from .training import Checkpoints

    key = data_key(load_mnist(data, "train", quiet=True))
    ablation = read_results()
    out = {}
    part = ablation.get("parts", {}).get("seeds")
    if part and ablation.get("settings", {}).get("data_key") == key:
        epoch = str(part["budget"]["epochs"])
        for variant, name in (("gan", "gan"), ("improved", "improved-gan")):
            runs = [r for r in part["runs"] if r["variant"] == variant and epoch in r["scores"]]
            if runs:
                out[name] = {"source": "results/ablation.json (seeds part)", "epochs": int(epoch),
                             "images": runs[0]["images"], "runs": [
                                 {"seed": r["seed"], "run": r["run"], "card": r["scores"][epoch],
                                  "train_wall_seconds": r.get("train_seconds")} for r in runs]}
    for name in ("gan", "improved-gan"):
        if name in out:
            continue
        kind_count = key  # e.g. idx60000
        run = f"{name}-{kind_count}-seed0-cpu-fast"
        saved = Checkpoints(run, checkpoints).epochs_saved()
        epoch = 10 if 10 in saved else (saved[-1] if saved else None)
        if epoch is None:
            log(f"baseline {name}: no checkpoint {run}; run make figures (or make ablation) first")
            continue
        G, seed_fn, seed_size = load_generator(run, epoch, name, checkpoints)
        ref = build_reference(data, log=lambda *a: None)
        card = score_generator(G, seed_fn, seed_size, n=samples, seed=sample_seed, reference=ref)
        card["collapsed"] = is_collapsed(card)
        out[name] = {"source": f"checkpoint {run}", "epochs": epoch, "images": None,
                     "runs": [{"seed": 0, "run": run, "card": card}]}
    for entry in out.values():
        for r in entry["runs"]:
            r["card"]["min_share"] = min(r["card"]["shares"])
    return out


# ------------------------------------------------------------------ summaries
METRICS = ["min_share", "digits_at_least_1pct", "kl_uniform", "inception_score", "mean_top_confidence", "fid",
           "precision", "recall", "density", "coverage", "memorised_share"]


def summarise(cards: list[dict]) -> dict:
    """mean, sd (n - 1), min, max of each metric over seeds."""
    from .ablation import is_collapsed

    out = {"n": len(cards), "collapsed": sum(is_collapsed(c) for c in cards)}
    for m in METRICS:
        values = [float(c[m]) for c in cards if c.get(m) is not None]
        if values:
            out[m] = {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
                      "min": min(values), "max": max(values)}
    return out


def meets_goal(summary: dict, noisy_fid: float | None) -> dict:
    """Which parts of issue 7's goal the means over seeds reach."""
    m = {k: summary[k]["mean"] for k in METRICS if k in summary}
    checks = {
        "every_digit_5pct": summary["min_share"]["min"] >= GOAL["min_share"],  # in every seed
        "kl_at_most_0.1": m["kl_uniform"] <= GOAL["kl_uniform"],
        "is_at_least_7": m["inception_score"] >= GOAL["inception_score"],
        "fid_below_noisy": noisy_fid is not None and m["fid"] < noisy_fid,
        "no_memorisation": m["memorised_share"] <= GOAL["memorised_share"],
    }
    checks["all"] = all(checks.values())
    return checks


def shortfall(summary: dict, noisy_fid: float | None) -> float:
    """How far the means are from the goal, each criterion relative to its threshold, summed:
    KL above 0.1, the smallest digit share below 5%, IS below 7, FID above the noisy anchor's."""
    m = {k: summary[k]["mean"] for k in METRICS if k in summary}
    out = max(0.0, m["kl_uniform"] - GOAL["kl_uniform"]) / GOAL["kl_uniform"]
    out += max(0.0, GOAL["min_share"] - m["min_share"]) / GOAL["min_share"]
    out += max(0.0, GOAL["inception_score"] - m["inception_score"]) / GOAL["inception_score"]
    if noisy_fid:
        out += max(0.0, m["fid"] - noisy_fid) / noisy_fid
    return out


def rank_key(summary: dict) -> tuple:
    """The best remedy: one that meets the whole goal, else the smallest shortfall from the goal.

    Not the count of criteria met: a threshold passed by a hair (KL 0.09 against 0.10) would then
    outweigh a far worse FID and recall; the shortfall weighs every criterion by how far it misses."""
    return summary["goal"]["all"], -summary["_shortfall"]


def analyse(data: dict) -> dict:
    """Add summaries, goal checks and the best remedy to ``data`` (in place) and return it."""
    noisy = data.get("anchors", {}).get("noisy", {}).get("fid")
    data["summary"] = {}
    for name, entry in list(data.get("baselines", {}).items()) + list(data.get("remedies", {}).items()):
        s = summarise([r["card"] for r in entry["runs"]])
        s["goal"] = meets_goal(s, noisy)
        s["_goal_count"] = sum(v for k, v in s["goal"].items() if k != "all")
        s["_shortfall"] = shortfall(s, noisy)
        data["summary"][name] = s
    remedies = [n for n in data.get("remedies", {}) if n in data["summary"]]
    if remedies:
        data["best"] = max(remedies, key=lambda n: rank_key(data["summary"][n]))
    return data


# ------------------------------------------------------------------ the experiment
def _rounded(x):
    from .evaluate import _rounded as r

    return r(x)


def write_results(data: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(_rounded(data), indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def read_results(path=None) -> dict:
    path = Path(path or paths.RESULTS_DIR / RESULTS_FILE)
    return json.loads(path.read_text()) if path.is_file() else {}


def run_experiment(names, budget: dict, cfg: dict, workers: int, log=print, on_result=None, only=None) -> dict:
    """All remedies x seeds in ``workers`` one-thread processes, plus the budget measurement and the anchors."""
    from .classifier import load_classifier

    load_classifier(cfg["data"], log=log)  # trained once here if missing, not in every worker
    os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", NUMBA_NUM_THREADS="1", TQDM_DISABLE="1")
    data = {"remedies": {}}
    # seed-major: if the run is cut short, every remedy has its seed 0 first
    jobs = [dict(cfg, remedy=n, seed=s, epochs=epochs_for(n, budget["epochs"])) for s in budget["seeds"]
            for n in names if only is None or (n, s) in only]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=_init_worker) as pool:
        budget_future = pool.submit(run_budget, dict(cfg, budget_epochs=budget["budget_epochs"]))
        anchors_future = pool.submit(run_anchors, dict(cfg))
        futures = {pool.submit(run_job, j): j for j in jobs}
        data["budget_measured"] = budget_future.result()
        anchors = anchors_future.result()
        data.update(anchors=anchors["anchors"], reference=anchors["reference"], classifier=anchors["classifier"],
                    anchors_seconds=anchors["seconds"])
        for f in as_completed(futures):
            r = f.result()
            entry = data["remedies"].setdefault(r["remedy"], {"runs": []})
            entry["runs"].append(r)
            entry["runs"].sort(key=lambda x: x["seed"])
            data["runs_done"] = f"{sum(len(e['runs']) for e in data['remedies'].values())}/{len(jobs)}"
            data["wall_seconds"] = round(time.perf_counter() - start, 1)
            if on_result:
                on_result(data)
    data["wall_seconds"] = round(time.perf_counter() - start, 1)
    data["remedies"] = {n: data["remedies"][n] for n in names if n in data["remedies"]}
    return data


def remedy_settings() -> dict:
    """What each remedy is made of, read from the built objects."""
    out = {}
    for name, r in REMEDIES.items():
        with torch.random.fork_rng(devices=[]):
            D, G = r.D(), r.G()
        out[name] = {"label": r.label, "label_zh": r.label_zh, "source": r.source, "run_prefix": run_prefix(name),
                     "D": f"{type(D).__name__}: {' > '.join(type(m).__name__ for m in D.model)}",
                     "G": f"{type(G).__name__}: {' > '.join(type(m).__name__ for m in G.model)}",
                     "pack": getattr(D, "pack", 1),
                     "D_lr": D.optimiser.param_groups[0]["lr"], "G_lr": G.optimiser.param_groups[0]["lr"]}
    return out


# ------------------------------------------------------------------ the table
COLUMNS = [("最少数字占比", "min_share", 3), ("KL", "kl_uniform", 3), ("IS", "inception_score", 2),
           ("FID", "fid", 1), ("recall", "recall", 3), ("coverage", "coverage", 3), ("记忆", "memorised_share", 3)]
BASELINE_LABELS = {"gan": "第一个 GAN（清单 08，逐个样本）", "improved-gan": "改良 GAN（清单 09，逐个样本）"}


def _budget_cell(entry: dict, per_sample: bool) -> str:
    if per_sample:
        return f"{entry['epochs']} 轮 × 逐个样本"
    r = entry["runs"][0]
    cpus = [x["cpu_seconds"] for x in entry["runs"] if x.get("cpu_seconds") is not None]
    cpu = f"，CPU {statistics.fmean(cpus):.0f} 秒" if cpus else ""
    return f"{r['epochs']} 轮 × 小批量 {r['batch_size']}（G 更新 {r['generator_updates']} 次{cpu}）"


def remedies_table(data: dict) -> str:
    from .ablation import ANCHOR_LABELS_ZH, _cell, _table

    analyse(data)  # summaries as this code computes them, whatever code wrote the file
    header = ["模型", "来源", "训练预算", "种子", "崩溃"] + [h for h, _, _ in COLUMNS] + ["达标", "差距"]
    rows = []
    settings = data.get("settings", {})
    for name, entry in data.get("baselines", {}).items():
        s = data["summary"][name]
        seeds = ", ".join(str(r["seed"]) for r in entry["runs"])
        rows.append([BASELINE_LABELS[name], "本章", _budget_cell(entry, True), seeds,
                     f"{s['collapsed']}/{s['n']}"] + [_cell(s, k, d) for _, k, d in COLUMNS]
                    + [f"{s['_goal_count']}/5", f"{s['_shortfall']:.2f}"])
    for name, entry in data.get("remedies", {}).items():
        s = data["summary"][name]
        info = data["remedy_settings"][name]
        label = info["label_zh"] + (" **（最佳）**" if data.get("best") == name else "")
        seeds = ", ".join(str(r["seed"]) for r in entry["runs"])
        rows.append([label, info["source"], _budget_cell(entry, False), seeds, f"{s['collapsed']}/{s['n']}"]
                    + [_cell(s, k, d) for _, k, d in COLUMNS] + [f"{s['_goal_count']}/5", f"{s['_shortfall']:.2f}"])
    for name, card in data.get("anchors", {}).items():
        card = dict(card, min_share=min(card["shares"]))
        rows.append([ANCHOR_LABELS_ZH.get(name, name), "", "", "", ""] + [_cell(card, k, d) for _, k, d in COLUMNS]
                    + ["", ""])
    lines = _table(header, rows, 4)
    if not settings.get("complete", True):
        lines += ["", f"**运行尚未完成**：已完成 {data.get('runs_done', '?')} 次训练，表中只含已完成的种子。"]
    b = data.get("budget_measured")
    budget = ""
    if b:
        budget = (f"预算：改良 GAN 用快速引擎逐个样本训练 10 轮的 CPU 时间，在同一次运行中实测为每轮 "
                  f"{b['cpu_seconds_per_epoch']:.0f} 秒、10 轮约 {b['cpu_seconds_10_epochs']:.0f} 秒"
                  f"（单线程进程，time.process_time）；每个补救方法训练同样多的轮次（小批量判别每步的计算量约为其他方法的两倍，"
                  f"轮次减半），CPU 时间见“训练预算”一列，都不超过这个预算。")
        if settings.get("epochs") and settings["epochs"] < FULL["epochs"]:
            budget += (f"本次运行每种方法只训练了 {settings['epochs']} 个轮次，少于 `make remedies` 默认的 "
                       f"{FULL['epochs']} 个轮次（缩减预算）。")
    lines += ["", f"数据：{settings.get('data', '?')}，{settings.get('train_images_used', '?')} 张训练图像；"
                  f"每个生成器取 {settings.get('samples', '?')} 个样本打分。{budget}"
                  "有多个种子时为均值 ± 标准差（n − 1）。“最少数字占比”是 10 个数字中最少的那个所占的比例。"
                  f"“达标”数 issue 7 的 5 条目标中达到了几条：每个种子里每个数字至少 {GOAL['min_share']:.0%}，"
                  f"KL ≤ {GOAL['kl_uniform']}，IS ≥ {GOAL['inception_score']:.0f}，FID 低于加噪真实图像锚点，"
                  f"记忆比例 ≤ {GOAL['memorised_share']}（后四条按均值）。“差距”把 KL、最少数字占比、IS、FID 四项"
                  "离目标还差多少各自除以目标值后相加（0 表示四项都达到）；没有方法全部达标时，差距最小的为最佳"
                  "（不比达标条数：那样一项勉强过线就能抵消其他各项的大幅落后）。"
                  "锚点用同一份打分程序、同样多的图像评分。"]
    return "\n".join(lines) + "\n"


def write_table(data: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / TABLE_FILE
    target.write_text(remedies_table(data), encoding="utf-8")
    return target


# ------------------------------------------------------------------ figures
def best_generator(data: dict, checkpoints, seed: int = 0):
    """G of the best remedy, seed ``seed``, loaded from its checkpoint."""
    from .training import Checkpoints

    name = data["best"]
    run = next(r for r in data["remedies"][name]["runs"] if r["seed"] == seed) if any(
        r["seed"] == seed for r in data["remedies"][name]["runs"]) else data["remedies"][name]["runs"][0]
    _, G = build(name)
    Checkpoints(run["run"], checkpoints).load(run["epochs"], {"G": G}, restore_rng=False)
    return G, run


def save_figures(data: dict, out: Path, checkpoints) -> list[str]:
    """2-69: the best remedy's samples (seed 0, drawn as listing 10 draws them) beside the digit shares
    of the improved GAN and of the best remedy. (2-68 is listing 10's own output.)"""
    import matplotlib.pyplot as plt

    from .figures import save_figure

    if "best" not in data:
        return []
    G, run = best_generator(data, checkpoints)
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        images = G.forward(generate_random_seed((32, SEED_SIZE))).detach()
    mosaic = images.view(4, 8, 28, 28).permute(0, 2, 1, 3).reshape(4 * 28, 8 * 28)
    shares = {}
    improved = data.get("baselines", {}).get("improved-gan")
    if improved:
        r = improved["runs"][0]
        shares[f"improved GAN (seed {r['seed']}, {improved['epochs']} epochs)"] = r["card"]["shares"]
    best_run = next(r for r in data["remedies"][data["best"]]["runs"] if r["seed"] == run["seed"])
    shares[f"{data['best']} (seed {run['seed']}, {run['epochs']} epochs)"] = best_run["card"]["shares"]
    fig, axes = plt.subplots(1, 1 + len(shares), figsize=(5.2 + 3.4 * len(shares), 3.2),
                             gridspec_kw={"width_ratios": [1.6] + [1] * len(shares)})
    axes[0].imshow(mosaic, cmap="Blues", vmin=0, vmax=1, interpolation="none")
    axes[0].axis("off")
    axes[0].set_title(f"{data['best']}: 32 samples", fontsize=10)
    for ax, (title, values) in zip(axes[1:], shares.items()):
        ax.bar(range(10), [100 * v for v in values], color="tab:blue")
        ax.axhline(10, color="tab:red", linestyle="--", linewidth=1, label="uniform 10%")
        ax.axhline(100 * GOAL["min_share"], color="tab:green", linestyle=":", linewidth=1, label="goal: 5%")
        ax.set_xticks(range(10))
        ax.set_xlabel("digit (classifier)")
        ax.set_ylim(0, max(40, 5 + 100 * max(max(v) for v in shares.values())))
        ax.set_title(title, fontsize=9)
    axes[1].set_ylabel("share of samples (%)")
    axes[1].legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    save_figure("2-69", out, fig)
    plt.close("all")
    return ["2-69"]


# ------------------------------------------------------------------ command line
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Remedies for the improved GAN's mode collapse, several seeds each, scored (issue 7).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"CI size: built-in data, {QUICK['limit']} images, {QUICK['epochs']} epochs, "
                             f"{QUICK['samples']} samples; results under _build/quick/results")
    parser.add_argument("--tables", action="store_true", help="only write the table and figures from the results file")
    parser.add_argument("--remedies", nargs="+", choices=list(REMEDIES), default=list(REMEDIES))
    parser.add_argument("--data", default=None, help=f"MNIST source (${DATA_ENV}; default auto)")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    parser.add_argument("--seeds", type=int, nargs="+", help="seeds (default 0 1 2)")
    parser.add_argument("--epochs", type=int, help=f"epochs of every remedy (default {FULL['epochs']})")
    parser.add_argument("-n", "--samples", type=int, help="samples per generator (default 5000)")
    parser.add_argument("--sample-seed", type=int, default=0, help="seed of the samples drawn for scoring")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="parallel processes, one thread each (at most os.cpu_count())")
    parser.add_argument("--device", default=os.environ.get(DEVICE_ENV, "cpu"), help=f"(${DEVICE_ENV})")
    parser.add_argument("--retrain", action="store_true", help="train every run again from scratch")
    parser.add_argument("--train-only", action="store_true",
                        help="only train (or resume) the runs, one after the other in this process; no scores")
    parser.add_argument("--available", action="store_true",
                        help="score only the runs whose checkpoint at the requested epochs exists (no training)")
    parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR), help="checkpoint folder")
    parser.add_argument("--results", default=None, help="results folder (default RESULTS_DIR)")
    parser.add_argument("--out", default=None, help="figure folder (default FIGURE_DIR)")
    args = parser.parse_args(argv)

    quick = args.quick or paths.QUICK
    base = paths.PROJECT_ROOT / "_build" / "quick" if quick else paths.PROJECT_ROOT
    results_dir = Path(args.results) if args.results else (base / "results" if quick else paths.RESULTS_DIR)
    out_dir = Path(args.out) if args.out else (base / "_static" / "2" / "2.3" if quick else paths.FIGURE_DIR)
    out = results_dir / RESULTS_FILE

    def finish(data):
        analyse(data)
        write_results(data, out)
        print(f"results: wrote {paths.relative(out)}")
        print(f"table: wrote {paths.relative(write_table(data, results_dir / 'tables'))}")

    if args.tables:
        data = read_results(out)
        if not data:
            print(f"error: {out} does not exist; run python -m gankit.remedies first", file=sys.stderr)
            return 1
        data["remedy_settings"] = remedy_settings()  # labels and settings as the code now has them
        finish(data)
        save_figures(data, out_dir, args.checkpoints)
        return 0

    budget = dict(QUICK if quick else FULL)
    for name in ("seeds", "epochs", "limit", "samples"):
        if getattr(args, name) is not None:
            budget[name] = getattr(args, name)
    data_source = args.data or budget.get("data") or os.environ.get(DATA_ENV) or "auto"
    workers = max(1, min(args.workers, os.cpu_count() or 1))
    cfg = {"data": data_source, "limit": budget["limit"], "samples": budget["samples"],
           "sample_seed": args.sample_seed, "checkpoints": args.checkpoints, "device": args.device,
           "retrain": args.retrain}

    from .classifier import data_key
    from .data import load_mnist

    train = load_mnist(data_source, "train", quiet=True)
    used = len(train) if budget["limit"] is None else min(budget["limit"], len(train))
    if args.train_only:
        torch.set_num_threads(1)
        for s in budget["seeds"]:
            for n in args.remedies:
                t = time.perf_counter()
                _, _, _, info = train_remedy(n, s, data_source, budget["limit"], epochs_for(n, budget["epochs"]),
                                             args.checkpoints, args.device, args.retrain)
                print(f"trained {info['run']}: {info['epochs']} epochs, {info['cpu_seconds']} s CPU, "
                      f"{time.perf_counter() - t:.0f} s wall", flush=True)
        return 0
    only = None
    if args.available:
        from .training import Checkpoints

        device = use_device(args.device).type
        only = {(n, s) for n in args.remedies for s in budget["seeds"]
                if epochs_for(n, budget["epochs"]) in Checkpoints(
                    f"{run_prefix(n)}-{train.kind}{used}-seed{s}-{device}", args.checkpoints).epochs_saved()}
        print(f"available: {len(only)} runs: {sorted(only)}")
    print(f"remedies: {train.describe(used)} | {', '.join(args.remedies)} | seeds {budget['seeds']} | "
          f"{budget['epochs']} epochs of mini-batches of {BATCH_SIZE} | {budget['samples']} samples per generator | "
          f"{workers} processes, 1 thread each", flush=True)
    settings = {"data": train.source, "data_key": data_key(train), "train_images_used": used,
                "epochs": budget["epochs"], "batch_size": BATCH_SIZE, "seeds": budget["seeds"],
                "samples": budget["samples"], "sample_seed": args.sample_seed, "workers": workers,
                "threads_per_worker": 1, "cpu_count": os.cpu_count(), "quick": quick, "torch": torch.__version__,
                "started": time.strftime("%Y-%m-%d %H:%M:%S"), "goal": GOAL}
    start_cpu = time.process_time()
    baselines = {}
    if "gan" in baselines_from_ablation(data_source):  # cheap: read, not scored
        baselines = score_baselines(data_source, budget["samples"], args.sample_seed, args.checkpoints)
    rs = remedy_settings()

    def ordered(d):  # the order the JSON shows them: settings, baselines, then remedies
        d = dict(d, settings=dict(settings, complete=d.get("complete", False)), remedy_settings=rs)
        d.setdefault("baselines", baselines)
        return {k: d[k] for k in ["settings", "runs_done", "budget_measured", "remedy_settings", "baselines",
                                  "remedies", "anchors", "reference", "classifier", "wall_seconds",
                                  "anchors_seconds", "baselines_seconds", "main_process_cpu_seconds"] if k in d}

    data = run_experiment(args.remedies, budget, cfg, workers, on_result=lambda d: finish(ordered(d)), only=only)
    if not baselines:
        t = time.perf_counter()
        baselines = score_baselines(data_source, budget["samples"], args.sample_seed, args.checkpoints)
        data["baselines_seconds"] = round(time.perf_counter() - t, 1)
    data["baselines"] = baselines
    data["main_process_cpu_seconds"] = round(time.process_time() - start_cpu, 1)
    data["complete"] = True
    data = ordered(data)
    finish(data)
    for name in save_figures(data, out_dir, args.checkpoints):
        print(f"figure: {name}")
    print(f"best: {data.get('best')} | goal reached: {data['summary'][data['best']]['goal']['all']} | "
          f"total {data['wall_seconds'] / 60:.1f} min wall")
    return 0


if __name__ == "__main__":
    from gankit.remedies import main as _main  # the pool's workers import this module by its name

    sys.exit(_main())
