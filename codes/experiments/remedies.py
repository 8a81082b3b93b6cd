"""Going further: remedies for the improved GAN's remaining mode collapse, scored against a goal.

Every remedy is a small change from the improved GAN of listing 09, made the way
listing 09 makes its classes (``super().__init__()``, then replace a piece), and
trained with listing 10's ``train_gan_batches``: the three steps of listing 08,
on mini-batches of 64 shuffled images instead of one image at a time. Adding a
remedy means one class and one entry in ``REMEDIES``.

=====================  ==========================================================  =============================
``minibatch``          mini-batches of 64, Adam lr 4e-4 (listing 10's classes)     Goodfellow et al. 2014, Alg. 1
``pacgan2``            + D judges 2 images at once (PackedDiscriminator)            Lin et al. 2018 (PacGAN)
``feature-matching``   + G matches the mean of D's hidden features (listing 10)     Salimans et al. 2016, sec. 3.1
``minibatch-discrim``  + a minibatch-discrimination layer in D (20 kernels x 5)     Salimans et al. 2016, sec. 3.2
``label-smoothing``    + one-sided label smoothing: D's real target 0.9             Salimans et al. 2016, sec. 3.4
``spectral-norm``      + spectral normalisation of D's two Linear layers            Miyato et al. 2018
``ttur``               + two time-scales: D lr 4e-4, G lr 1e-4                      Heusel et al. 2017
=====================  ==========================================================  =============================

The budget: every remedy gets the same number of epochs, chosen so that each
remedy's CPU time (one-thread process) stays within the CPU time of the
improved GAN's 10 per-sample epochs with the fast engine, which
``measure_budget`` measures in the same run. Both are in the results file.

Command line (``make remedies``)::

    PYTHONPATH=codes python -m experiments.remedies [--data DATA]   # all remedies x 3 seeds
    PYTHONPATH=codes python -m experiments.remedies --quick      # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m experiments.remedies --tables     # only the tables

Results: ``results/remedies.json`` (layout: ``experiments.grid``) and
``results/tables/remedies.md``. The baselines (first and improved GAN) are the
seeds group of ``results/ablation.json``. Figure 2-69 is drawn by notebook 4 from listing
10's own checkpoint, the one of figure 2-68 (``plot_feature_matching``).
"""
from __future__ import annotations

import statistics
import sys
import time

import torch
from torch import nn

import gankit
from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator, generate_normal_noise
from chapter_2_3_2_10 import LEARNING_RATE, BatchDiscriminator, BatchGenerator
from gankit.data import source_description
from gankit.metrics import summarise, with_min_share
from gankit.results import record_metrics
from gankit.storage import read_json
from gankit.tables import headers, markdown, metric_cells

from . import ablation, grid
from .models import BATCHES, FEATURE_MATCHING, FIRST_GAN, IMPROVED_GAN, Arm, improved_hidden

NAME = "remedies"
TABLE_FILE = "remedies.md"  # the full table (notebook 4)
COMPACT_FILE = "remedies-compact.md"  # the chapter's table
NOISE_SIZE = 100
SMOOTH_TARGET = 0.9  # one-sided label smoothing: D's target for real images
MBD_KERNELS, MBD_DIMS = 20, 5  # minibatch discrimination: kernels x dimensions each
TTUR_D_LR, TTUR_G_LR = 4e-4, 1e-4  # two time-scales: D learns 4 times faster than G

# The goal for the best remedy: every digit at least 5% in every seed, and the means over seeds.
# memorisation: no more samples counted as copies than real test images on the same measure (about 1%
# of them by its construction), the "real" anchor of the results file
GOAL = {"min_share": 0.05, "kl_uniform": 0.1, "inception_score": 7.0}

FULL = {"seeds": [0, 1, 2], "epochs": 20, "limit": None, "samples": 5000, "budget_epochs": 1}
QUICK = {"seeds": [0, 1, 2], "epochs": 2, "limit": 320, "samples": 300, "budget_epochs": 1, "data": "builtin"}
# The columns of the chapter's table (keys of gankit.metrics.METRICS).
TABLE_METRICS = ["min_share", "kl_uniform", "inception_score", "fid", "recall", "coverage", "memorised_share"]


# ------------------------------------------------------------------ the remedies
class PackedLoss(nn.BCELoss):
    """BCE of the n/pack scores of a packed D against the first n/pack targets (a pack is all real
    or all generated, so those targets are the pack's)."""

    def forward(self, outputs, targets):
        return super().forward(outputs, targets[: len(outputs)])


class PackedDiscriminator(BatchDiscriminator):
    """Lin et al. 2018 (PacGAN): D judges ``pack`` images at once, concatenated; a pack is all real
    or all generated, so D can see that the images of a pack are too alike (mode collapse)."""

    def __init__(self, pack: int = 2):
        super().__init__()
        self.pack = pack
        self.model[0] = nn.Linear(784 * pack, 200)  # input: pack images end to end
        self.loss_function = PackedLoss()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)

    def forward(self, inputs):
        n = len(inputs) // self.pack * self.pack  # whole packs only
        return self.model(inputs[:n].reshape(-1, 784 * self.pack))  # (n, 784) -> (n/pack, 784*pack)


class MinibatchDiscriminationLayer(nn.Module):
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


class SimilarityAwareDiscriminator(BatchDiscriminator):
    """Minibatch discrimination: D's hidden features plus how alike the samples of the batch are."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(*improved_hidden(784), MinibatchDiscriminationLayer(200),
                                   nn.Linear(200 + MBD_KERNELS, 1), nn.Sigmoid())
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)


class LabelSmoothingDiscriminator(BatchDiscriminator):
    """Salimans et al. 2016, 3.4: one-sided label smoothing, real targets 0.9 (fake stay 0)."""

    def train(self, inputs, targets):
        super().train(inputs, targets.clamp(max=SMOOTH_TARGET))


class SpectralNormDiscriminator(BatchDiscriminator):
    """Miyato et al. 2018: each Linear weight divided by its largest singular value (power iteration)."""

    def __init__(self):
        super().__init__()
        sn = nn.utils.parametrizations.spectral_norm
        self.model[0] = sn(self.model[0])
        self.model[3] = sn(self.model[3])
        self.optimiser = torch.optim.Adam(self.parameters(), lr=LEARNING_RATE)


class TTURDiscriminator(BatchDiscriminator):
    """Heusel et al. 2017: D learns on a faster time scale than G."""

    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=TTUR_D_LR)


class TTURGenerator(BatchGenerator):
    """Heusel et al. 2017: G learns on a slower time scale than D."""

    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=TTUR_G_LR)


def _remedy(name, label, label_zh, source, D, G, **kw) -> Arm:
    return Arm(name, label, label_zh, D, G, generate_normal_noise, NOISE_SIZE, f"remedy-{name}", BATCHES,
               source, **kw)


REMEDIES = {r.name: r for r in [
    _remedy("minibatch", "mini-batches of 64, Adam lr 4e-4", "小批量训练（64 张，学习率 4e-4）",
            "Goodfellow et al. 2014", BatchDiscriminator, BatchGenerator),
    _remedy("pacgan2", "+ PacGAN, D judges 2 images at once", "+ PacGAN 打包 2 张",
            "Lin et al. 2018", PackedDiscriminator, BatchGenerator),
    FEATURE_MATCHING,
    # compares every pair of samples in a batch: a step costs more CPU than the others' (the
    # ratio measured is in chapter_metrics.json), so it trains half the epochs within the budget
    _remedy("minibatch-discrim", "+ minibatch discrimination", "+ 小批量判别",
            "Salimans et al. 2016", SimilarityAwareDiscriminator, BatchGenerator, epochs_factor=0.5),
    _remedy("label-smoothing", "+ one-sided label smoothing (0.9)", "+ 单侧标签平滑（0.9）",
            "Salimans et al. 2016", LabelSmoothingDiscriminator, BatchGenerator),
    _remedy("spectral-norm", "+ spectral normalisation in D", "+ 判别器谱归一化",
            "Miyato et al. 2018", SpectralNormDiscriminator, BatchGenerator),
    _remedy("ttur", "+ two time-scales (D lr 4e-4, G lr 1e-4)", "+ 双时间尺度（学习率：判别器 4e-4，生成器 1e-4）",
            "Heusel et al. 2017", TTURDiscriminator, TTURGenerator),
]}


def groups(budget: dict) -> dict:
    return {NAME: {"arms": list(REMEDIES), "seeds": budget["seeds"], "epochs": budget["epochs"],
                   "score_epochs": [budget["epochs"]]}}


# ------------------------------------------------------------------ the budget
def measure_budget(args: tuple) -> dict:
    """CPU seconds (``time.process_time``, this one-thread process) of the improved GAN's
    per-sample epochs with the fast engine, extrapolated to listing 09's 10 epochs."""
    from chapter_2_3_2_02 import MnistDataset
    from gankit.fast import FastGAN

    cfg, epochs = args
    torch.set_num_threads(1)
    gankit.set_seed(0)
    dataset = MnistDataset(cfg.data, cfg.limit)
    trainer = FastGAN(ImprovedDiscriminator(), ImprovedGenerator(), generate_normal_noise, NOISE_SIZE)
    trainer.train_epoch(dataset.images[:1000], desc="compile")  # numba's compilation is not training
    trainer = FastGAN(ImprovedDiscriminator(), ImprovedGenerator(), generate_normal_noise, NOISE_SIZE)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(epochs):
        trainer.train_epoch(dataset.images, desc="budget")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"what": "improved GAN (listing 09), per-sample, fast engine, 1 thread",
            "images": len(dataset), "epochs_measured": epochs, "cpu_seconds_per_epoch": cpu / epochs,
            "wall_seconds_per_epoch": wall / epochs, "cpu_seconds_10_epochs": 10 * cpu / epochs}


def extra_tasks(cfg, budget) -> dict:
    return {"budget_measured": (measure_budget, (cfg, budget["budget_epochs"]))}


EXPERIMENT = grid.Experiment(NAME, REMEDIES, FULL, QUICK, groups, extra_tasks, reads=(ablation.NAME,))


# ------------------------------------------------------------------ analysis
def baselines(results_dir, data_key: str) -> dict:
    """The first and the improved GAN after the seeds group's last epoch, from ablation.json of the
    same data: {arm: {"epochs", "runs": [(seed, card)]}}; {} when it has none."""
    data = read_json(results_dir / f"{ablation.NAME}.json", producer="python -m experiments.ablation")
    if data.get("settings", {}).get("data_key") != data_key or "seeds" not in data.get("groups", {}):
        return {}
    epoch = str(data["groups"]["seeds"]["epochs"])
    out = {}
    for r in grid.group_runs(data, "seeds"):
        if epoch in r["scores"]:
            entry = out.setdefault(r["arm"], {"epochs": int(epoch), "runs": []})
            entry["runs"].append((r["seed"], with_min_share(r["scores"][epoch])))
    return out


def real_memorised(data: dict) -> float | None:
    """The memorised share of real test images (the limit of the memorisation goal)."""
    return data.get("anchors", {}).get("real", {}).get("memorised_share")


def meets_goal(summary: dict, noisy_fid: float | None, memorised_limit: float | None) -> dict:
    """Which parts of the goal the means over seeds reach (every digit's share: in every seed)."""
    m = {k: v["mean"] for k, v in summary.items() if isinstance(v, dict)}  # a summarise() result
    checks = {
        "every_digit_5pct": summary["min_share"]["min"] >= GOAL["min_share"],
        "kl_at_most_0.1": m["kl_uniform"] <= GOAL["kl_uniform"],
        "is_at_least_7": m["inception_score"] >= GOAL["inception_score"],
        "fid_below_noisy": noisy_fid is not None and m["fid"] < noisy_fid,
        "no_memorisation": memorised_limit is not None and m["memorised_share"] <= memorised_limit,
    }
    checks["all"] = all(checks.values())
    return checks


def shortfall(summary: dict, noisy_fid: float | None) -> float:
    """How far the means are from the goal, each criterion relative to its threshold, summed:
    KL above 0.1, the smallest digit share below 5%, IS below 7, FID above the noisy anchor's."""
    m = {k: v["mean"] for k, v in summary.items() if isinstance(v, dict)}
    out = max(0.0, m["kl_uniform"] - GOAL["kl_uniform"]) / GOAL["kl_uniform"]
    out += max(0.0, GOAL["min_share"] - m["min_share"]) / GOAL["min_share"]
    out += max(0.0, GOAL["inception_score"] - m["inception_score"]) / GOAL["inception_score"]
    if noisy_fid:
        out += max(0.0, m["fid"] - noisy_fid) / noisy_fid
    return out


def analyse(data: dict, base: dict) -> dict:
    """{name: summary with goal checks and shortfall} of the baselines and remedies, and the best remedy.

    The best: one that meets the whole goal, else the smallest shortfall from the goal (not the
    count of criteria met: a threshold passed by a hair would then outweigh a far worse FID)."""
    noisy = data.get("anchors", {}).get("noisy", {}).get("fid")
    cards = {arm: [c for _, c in entry["runs"]] for arm, entry in base.items()}
    for r in grid.group_runs(data, NAME):
        cards.setdefault(r["arm"], []).append(r["scores"][str(r["epochs"])])
    summary = {}
    for name, cs in cards.items():
        s = summarise(cs)
        goal = meets_goal(s, noisy, real_memorised(data))
        summary[name] = dict(s, goal=goal, goal_count=sum(v for k, v in goal.items() if k != "all"),
                             shortfall=shortfall(s, noisy))
    remedies = [n for n in REMEDIES if n in summary and n not in base]
    best = max(remedies, key=lambda n: (summary[n]["goal"]["all"], -summary[n]["shortfall"]), default=None)
    return {"summary": summary, "best": best}


# ------------------------------------------------------------------ the table
BASELINE_LABELS = {FIRST_GAN.name: "第一个 GAN（代码清单 08，逐个样本）", IMPROVED_GAN.name: "改良 GAN（代码清单 09，逐个样本）"}


def _budget_cell(runs: list[dict]) -> str:
    r = runs[0]
    cpus = [x["cpu_seconds"] for x in runs if x.get("cpu_seconds") is not None]
    cpu = f"，CPU {statistics.fmean(cpus):.0f} 秒" if cpus else ""
    return f"{r['epochs']} 轮 × 小批量 {r.get('batch_size', 64)}（G 更新 {r['generator_updates']} 次{cpu}）"


def remedies_table(data: dict, base: dict) -> str:
    """The chapter's table of remedies, baselines and anchors, from remedies.json and ablation.json."""
    result = analyse(data, base)
    summary, best = result["summary"], result["best"]

    def row(label, source, budget, seeds, s):
        return ([label, source, budget, seeds, f"{s['collapsed']}/{s['n']}"] + metric_cells(s, TABLE_METRICS)
                + [f"{s['goal_count']}/5", f"{s['shortfall']:.2f}"])

    rows = [row(BASELINE_LABELS[arm], "本章", f"{entry['epochs']} 轮 × 逐个样本",
                ", ".join(str(seed) for seed, _ in entry["runs"]), summary[arm]) for arm, entry in base.items()]
    runs = grid.group_runs(data, NAME)
    for name in data["groups"][NAME]["arms"]:
        mine = [r for r in runs if r["arm"] == name]
        if not mine:
            continue
        info = data["arms"][name]
        label = info["label_zh"] + (" **（最佳）**" if best == name else "")
        rows.append(row(label, info["source"], _budget_cell(mine), ", ".join(str(r["seed"]) for r in mine),
                        summary[name]))
    rows += [r + ["", ""] for r in grid.anchor_rows(data, TABLE_METRICS, blanks=4)]
    header = ["模型", "来源", "训练预算", "随机数种子", "崩溃"] + headers(TABLE_METRICS) + ["达标", "差距"]
    lines = [markdown(header, rows, 4)]
    settings = data.get("settings", {})
    if not data["groups"][NAME].get("complete", True):
        g = data["groups"][NAME]
        lines += ["", f"**运行尚未完成**：已完成 {g['runs_done']}/{g['runs_planned']} 次训练，表中只含已完成的种子。"]
    b = data.get("budget_measured")
    budget = ""
    if b:
        budget = (f"预算：改良 GAN 用快速引擎逐个样本训练 10 轮的 CPU 时间，在同一次运行中实测为每轮 "
                  f"{b['cpu_seconds_per_epoch']:.0f} 秒、10 轮约 {b['cpu_seconds_10_epochs']:.0f} 秒"
                  f"（单线程进程，time.process_time）；每个补救方法训练同样多的轮次（小批量判别每步的计算量"
                  f"更大，轮次减半），CPU 时间见“训练预算”一列，都不超过这个预算。")
        epochs = data["groups"][NAME]["epochs"]
        if epochs < FULL["epochs"]:
            budget += (f"本次运行每种方法只训练了 {epochs} 个轮次，少于 `make remedies` 默认的 "
                       f"{FULL['epochs']} 个轮次（缩减预算）。")
    lines += ["", f"数据：{_data_text(settings)}；每个生成器取 {settings.get('samples', '?')} 个样本打分。{budget}"
                  "有多个种子时为均值 ± 标准差（n − 1）。“最少数字占比”是 10 个数字中最少的那个所占的比例。"
                  f"“达标”数下面 5 条目标中达到了几条：每个种子里每个数字至少 {GOAL['min_share']:.0%}，"
                  f"KL ≤ {GOAL['kl_uniform']}，IS ≥ {GOAL['inception_score']:.0f}，FID 低于加噪真实图像锚点，"
                  "记忆比例不高于真实测试图像（后四条按均值）。“差距”把 KL、最少数字占比、IS、FID 四项"
                  "离目标还差多少各自除以目标值后相加（0 表示四项都达到）；没有方法全部达标时，差距最小的为最佳"
                  "（不比达标条数：那样一项勉强过线就能抵消其他各项的大幅落后）。"
                  "锚点用同一份打分程序、同样多的图像评分。"]
    return "\n".join(lines) + "\n"


def _data_text(settings: dict) -> str:
    """The data of the runs, described without a path (``gankit.data.source_description``)."""
    return source_description(settings["data_key"]) if "data_key" in settings else "?"


def verdict(s: dict) -> str:
    """The compact table's verdict on one summary over seeds: collapses, else the goals reached."""
    if s["collapsed"]:
        return f"{s['collapsed']}/{s['n']} 个种子崩溃"
    if s["goal"]["all"]:
        return "达到全部目标"
    return f"未崩溃，达到 {s['goal_count']}/5 条目标"


def compact_table(data: dict, base: dict) -> str:
    """The chapter's table: method, seeds, smallest digit share, KL, FID and a verdict; the
    baselines first, then the remedies, then the noisy anchor's FID as the bar to pass."""
    result = analyse(data, base)
    summary, best = result["summary"], result["best"]
    keys = ["min_share", "kl_uniform", "fid"]
    rows = [[BASELINE_LABELS[arm], ", ".join(str(seed) for seed, _ in entry["runs"])]
            + metric_cells(summary[arm], keys) + [verdict(summary[arm])] for arm, entry in base.items()]
    runs = grid.group_runs(data, NAME)
    for name in data["groups"][NAME]["arms"]:
        seeds = [str(r["seed"]) for r in runs if r["arm"] == name]
        if seeds:
            label = data["arms"][name]["label_zh"] + ("（最佳）" if best == name else "")
            rows.append([label, ", ".join(seeds)] + metric_cells(summary[name], keys) + [verdict(summary[name])])
    noisy = data.get("anchors", {}).get("noisy")
    if noisy:
        rows.append([grid.ANCHOR_LABELS_ZH["noisy"], ""] + metric_cells(with_min_share(noisy), keys) + [""])
    header = ["方法", "随机数种子"] + headers(keys) + ["结论"]
    note = (f"数据：{_data_text(data.get('settings', {}))}。多个种子时为均值 ± 标准差。“崩溃”的标准与上文相同；"
            f"目标共 5 条：每个种子里每个数字至少 {GOAL['min_share']:.0%}，KL ≤ {GOAL['kl_uniform']}，"
            f"IS ≥ {GOAL['inception_score']:.0f}，FID 低于加噪真实图像，记忆比例不高于真实测试图像。"
            "“最佳”是离目标差距最小的方法。完整的评分卡（IS、召回率、覆盖率、记忆比例、CPU 时间）"
            "见配套的 Notebook 4。")
    return markdown(header, rows, 2) + "\n\n" + note + "\n"


def _key(arm: str) -> str:
    return arm.replace("-", "_")


# the parts of the goal (meets_goal) as they are named in chapter_metrics.json
GOAL_KEYS = {"every_digit_5pct": "min_share", "kl_at_most_0.1": "kl", "is_at_least_7": "is",
             "fid_below_noisy": "fid", "no_memorisation": "memorised", "all": "all"}


def chapter_numbers(data: dict, base: dict) -> dict:
    """What the chapter says about the remedies, as keys of chapter_metrics.json."""
    result = analyse(data, base)
    summary, best = result["summary"], result["best"]
    g = data["groups"][NAME]
    remedies = [n for n in g["arms"] if n in summary and n not in base]
    runs = grid.group_runs(data, NAME)
    out = {"remedies_n": len(remedies), "remedies_seeds_n": len(g["seeds"]), "remedies_epochs": g["epochs"],
           "remedies_best": best, "remedies_memorised_limit": real_memorised(data),
           "remedies_min_share_goal": GOAL["min_share"]}
    for name in list(base) + remedies:
        s = summary[name]
        mine = [r["scores"][str(r["epochs"])] for r in runs if r["arm"] == name] or [c for _, c in base[name]["runs"]]
        out.update({f"remedy_{_key(name)}_{k}": s[m]["mean"] for k, m in
                    (("min_share", "min_share"), ("kl", "kl_uniform"), ("is", "inception_score"), ("fid", "fid"),
                     ("recall", "recall"), ("memorised", "memorised_share")) if m in s})
        out[f"remedy_{_key(name)}_kl_sd"] = s["kl_uniform"]["sd"]
        out.update({f"remedy_{_key(name)}_memorised_max": max(c["memorised_share"] for c in mine),
                    f"remedy_{_key(name)}_collapsed": s["collapsed"], f"remedy_{_key(name)}_n": s["n"],
                    f"remedy_{_key(name)}_goals": s["goal_count"]})
    for check, key in GOAL_KEYS.items():  # how many remedies reach each part of the goal
        out[f"remedies_meeting_{key}"] = sum(summary[n]["goal"][check] for n in remedies)
    if remedies:
        out["remedies_lowest_kl"] = min(remedies, key=lambda n: summary[n]["kl_uniform"]["mean"])
        out["remedies_best_shortfall"] = summary[best]["shortfall"]
        out["remedies_memorising"] = sum(summary[n]["memorised_share"]["mean"] > out["remedies_memorised_limit"]
                                         for n in remedies)
    cpu = {n: [r["cpu_seconds"] for r in runs if r["arm"] == n and r.get("cpu_seconds") is not None]
           for n in remedies}
    cpu = {n: statistics.fmean(v) for n, v in cpu.items() if v}
    if cpu:
        out["remedies_max_cpu_s"] = max(cpu.values())
        out.update({f"remedy_{_key(n)}_cpu_s": v for n, v in cpu.items()})
        per_update = {n: cpu[n] / next(r["generator_updates"] for r in runs if r["arm"] == n) for n in cpu}
        slow = [n for n in per_update if REMEDIES[n].epochs_factor < 1]
        others = [per_update[n] for n in per_update if n not in slow]
        for n in slow:  # the CPU per generator update of a remedy trained for fewer epochs, against the rest
            out[f"remedy_{_key(n)}_cost_ratio"] = per_update[n] / statistics.fmean(others)
    b = data.get("budget_measured")
    if b:
        out["remedies_budget_cpu_s"] = b["cpu_seconds_10_epochs"]
        if cpu:  # how many of the improved GAN's budgets the costliest remedy used
            out["remedies_max_cpu_budgets"] = out["remedies_max_cpu_s"] / b["cpu_seconds_10_epochs"]
    return out


def read_results(results_dir=None) -> tuple[dict, dict]:
    """(remedies.json, baselines from ablation.json) of ``results_dir`` (default results/)."""
    results_dir = results_dir or gankit.results_dir()
    data = read_json(results_dir / f"{NAME}.json", producer=f"python -m experiments.{NAME}")
    return data, (baselines(results_dir, data["settings"]["data_key"]) if data else {})


def write_outputs(data: dict, results_dir, table_dir) -> list:
    """The full table (notebook 4), the chapter's compact table and the numbers the chapter quotes
    (chapter_metrics.json), all from remedies.json and the baselines of ablation.json."""
    base = baselines(results_dir, data["settings"]["data_key"])
    written = grid.write_tables(data, {TABLE_FILE: (lambda d: remedies_table(d, base), NAME),
                                       COMPACT_FILE: (lambda d: compact_table(d, base), NAME)}, table_dir)
    if NAME in data.get("groups", {}):
        record_metrics(folder=results_dir, **chapter_numbers(data, base))
        written.append(results_dir / "chapter_metrics.json")
    return written


# ------------------------------------------------------------------ figure 2-69
def plot_feature_matching(G, card: dict, base: dict, epochs: int, seed: int = 0):
    """Figure 2-69 (notebook 4): listing 10's generator ``G``, the one of figure 2-68, drawing 32
    samples with figure 2-68's noise, beside the digit shares of the improved GAN (``base``, from
    the ablation's score cards, when there are any) and of ``G`` (``card``, its score card)."""
    import matplotlib.pyplot as plt

    from gankit.figures import WIDTH, share_bars

    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)  # listing 10's plot_samples: the same 32 samples as figure 2-68
        images = G.forward(FEATURE_MATCHING.noise((32, FEATURE_MATCHING.noise_size))).detach().cpu()
    shares = {}
    if IMPROVED_GAN.name in base:
        entry = base[IMPROVED_GAN.name]
        improved_seed, improved = entry["runs"][0]
        shares[f"改良 GAN\n随机数种子 {improved_seed}，{entry['epochs']} 个轮次"] = improved["shares"]
    shares[f"特征匹配\n随机数种子 {seed}，{epochs} 个轮次"] = card["shares"]
    fig, axes = plt.subplots(1, 1 + len(shares), figsize=(WIDTH, 0.36 * WIDTH),
                             gridspec_kw={"width_ratios": [1.7] + [1] * len(shares)})
    mosaic = images.view(4, 8, 28, 28).permute(0, 2, 1, 3).reshape(4 * 28, 8 * 28)
    axes[0].imshow(mosaic, cmap="Blues", vmin=0, vmax=1, interpolation="none")
    axes[0].axis("off")
    axes[0].set_title("特征匹配：32 个样本")
    top = max(40, 5 + 100 * max(max(v) for v in shares.values()))
    for ax, (title, values) in zip(axes[1:], shares.items()):
        share_bars(ax, values, ylim=top, goal=GOAL["min_share"])
        ax.set_title(title)
    for ax in axes[2:]:
        ax.tick_params(labelleft=False)
    axes[1].set_ylabel("样本占比（%）")
    # the legend under the samples, where it covers no bar
    axes[0].legend(*axes[1].get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, -0.04),
                   ncols=2, frameon=False)
    fig.tight_layout(pad=0.3)
    return fig


def main(argv=None) -> int:
    return grid.main(EXPERIMENT, write_outputs, argv, description=(
        "Remedies for the improved GAN's mode collapse, several seeds each, scored against a goal."))


if __name__ == "__main__":
    sys.exit(main())
