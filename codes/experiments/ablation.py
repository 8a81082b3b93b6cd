"""Seeds and the ablation of the chapter's five fixes, scored with the score card.

Two groups of runs, all trained with listing 08's three steps per sample (the
fast engine where it applies) and scored with ``gankit.scorecard``:

- **seeds**: the first GAN (listings 03/06) and the improved GAN (listing 09)
  with several 随机数种子 at the chapter's budget (10 epochs), scored after
  epoch 1 and after the last epoch; how often the first GAN collapses
  (``gankit.metrics.COLLAPSE_RULE``).
- **ablation**: starting from the first GAN, each of the chapter's five fixes
  alone, then all five together (= listing 09):

  ============  ===================================================================
  ``gan``        the first GAN: MSELoss, SGD(lr=0.01), Sigmoid, 1 uniform input value
  ``bce``        BCELoss instead of MSELoss (D's loss, which G's training uses too)
  ``layernorm``  Linear → LayerNorm(200) → LeakyReLU(0.02) in both hidden layers
  ``adam``       Adam(lr=0.0001) for both networks, as listing 09
  ``seed100``    100 input values for G (still uniform in [0, 1))
  ``normal``     normal noise, ``torch.randn`` (still 1 value)
  ``improved``   all five: listing 09's ImprovedDiscriminator/ImprovedGenerator
  ============  ===================================================================

  Each variant is a small subclass of the listing's class, made exactly the way
  listing 09 makes its classes: ``super().__init__()``, then replace the
  network, the loss or the optimiser. Learning rates stay those of the listing
  the piece comes from; nothing is tuned per variant.

Command line (``make ablation``)::

    PYTHONPATH=codes python -m experiments.ablation [--data DATA]   # both groups + tables
    PYTHONPATH=codes python -m experiments.ablation --group ablation --ablation-epochs 3
    PYTHONPATH=codes python -m experiments.ablation --quick      # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m experiments.ablation --tables     # only (re)write the tables

Results: ``results/ablation.json`` (layout: ``experiments.grid``), ``ablation.csv``
(one row per scored generator) and ``results/tables/*.md``, the tables the chapter
includes; every number in them is read from ``ablation.json``.
"""
from __future__ import annotations

import sys

import pandas as pd
import torch
from torch import nn

from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_09 import generate_normal_noise
from gankit.data import source_description
from gankit.metrics import COLLAPSE_RULE_ZH, is_collapsed, summarise
from gankit.results import record_metrics
from gankit.storage import atomic_write_text
from gankit.tables import headers, markdown, metric_cells

from . import grid
from .models import FIRST_GAN, IMPROVED_GAN, Arm, improved_hidden

NAME = "ablation"
CSV_FILE = "ablation.csv"
# The columns of the chapter's tables (keys of gankit.metrics.METRICS).
TABLE_METRICS = ["digits_at_least_1pct", "kl_uniform", "inception_score", "fid", "precision", "recall",
                 "coverage", "memorised_share"]
GROUP_NAMES_ZH = {"seeds": "多个随机数种子", "ablation": "消融"}

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
        self.model = nn.Sequential(*improved_hidden(784), nn.Linear(200, 1), nn.Sigmoid())
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)  # the new weights, the same SGD


class LayerNormGenerator(Generator):
    """Fix 2 alone, in G: LayerNorm then LeakyReLU(0.02) in the hidden layer."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(*improved_hidden(1), nn.Linear(200, 784), nn.Sigmoid())
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)


class AdamDiscriminator(Discriminator):
    """Fix 3 alone: Adam(lr=0.0001) instead of SGD(lr=0.01), as listing 09."""

    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)


class AdamGenerator(Generator):
    """Fix 3 alone, in G."""

    def __init__(self):
        super().__init__()
        self.optimiser = torch.optim.Adam(self.parameters(), lr=0.0001)


class Seed100Generator(Generator):
    """Fix 4 alone: 100 input values instead of 1."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(100, 200),
            nn.Sigmoid(),
            nn.Linear(200, 784),
            nn.Sigmoid(),
        )
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)


VARIANTS = {v.name: v for v in [
    FIRST_GAN,
    Arm("bce", "+ BCELoss", "只换 BCELoss", BCEDiscriminator, Generator, generate_random, 1, "ablation-bce"),
    Arm("layernorm", "+ LayerNorm & LeakyReLU(0.02)", "只换 LayerNorm + LeakyReLU",
        LayerNormDiscriminator, LayerNormGenerator, generate_random, 1, "ablation-layernorm"),
    Arm("adam", "+ Adam(lr=1e-4)", "只换 Adam", AdamDiscriminator, AdamGenerator, generate_random, 1,
        "ablation-adam", cost=2.2),
    Arm("seed100", "+ 100 noise values (uniform)", "只换 100 个噪声值（仍为均匀分布）",
        Discriminator, Seed100Generator, generate_random, 100, "ablation-seed100", cost=1.05),
    Arm("normal", "+ normal noise (1 value)", "只换正态分布噪声（仍为 1 个值）",
        Discriminator, Generator, generate_normal_noise, 1, "ablation-normal"),
    IMPROVED_GAN,
]}
SEED_VARIANTS = [FIRST_GAN.name, IMPROVED_GAN.name]


def groups(budget: dict) -> dict:
    """The two groups of runs of a budget: which arms, seeds, epochs and scored epochs."""
    e, a = budget["seed_epochs"], budget["ablation_epochs"]
    return {"seeds": {"arms": SEED_VARIANTS, "seeds": budget["seeds"], "epochs": e, "score_epochs": [1, e]},
            "ablation": {"arms": list(VARIANTS), "seeds": budget["ablation_seeds"], "epochs": a,
                         "score_epochs": [a]}}


EXPERIMENT = grid.Experiment(NAME, VARIANTS, FULL, QUICK, groups)


# ------------------------------------------------------------------ tables for the book
def _scored(data: dict, group: str):
    """(run, epoch, card) of a group, in its order."""
    g = data["groups"][group]
    for r in grid.group_runs(data, group):
        for epoch in g["score_epochs"]:
            if str(epoch) in r["scores"]:
                yield r, str(epoch), r["scores"][str(epoch)]


def summaries(data: dict, group: str) -> dict:
    """{arm: {epoch: summary over seeds}} of a group."""
    cards: dict = {}
    for r, epoch, card in _scored(data, group):
        cards.setdefault(r["arm"], {}).setdefault(epoch, []).append(card)
    return {arm: {e: summarise(c) for e, c in sorted(by_epoch.items(), key=lambda x: int(x[0]))}
            for arm, by_epoch in cards.items()}


def _budget_text(data: dict, group: str) -> str:
    g = data["groups"][group]
    text = (f"每个生成器训练 {g['epochs']} 个轮次，数据为{source_description(data['settings']['data_key'])}，"
            f"随机数种子 {', '.join(map(str, g['seeds']))}；"
            f"每个生成器取 {data['settings']['samples']} 个样本打分")
    if not g.get("complete", True):
        text += f"（未完成：计划 {g['runs_planned']} 次训练，已完成 {g['runs_done']} 次）"
    return text


def seeds_table(data: dict) -> str:
    header = ["模型", "轮次", "崩溃次数"] + headers(TABLE_METRICS)
    rows = []
    for arm, by_epoch in summaries(data, "seeds").items():
        for epoch, s in by_epoch.items():
            rows.append([data["arms"][arm]["label_zh"], epoch, f"{s['collapsed']}/{s['n']}"]
                        + metric_cells(s, TABLE_METRICS))
    seeds = data["groups"]["seeds"]["seeds"]
    return (markdown(header, rows, 1) + f"\n\n{_budget_text(data, 'seeds')}。表中为 {len(seeds)} 个种子的均值 ± "
            f"标准差（n − 1）。崩溃的定义：{COLLAPSE_RULE_ZH}。\n")


def seed_runs_table(data: dict) -> str:
    header = ["模型", "随机数种子", "轮次", "崩溃"] + headers(TABLE_METRICS) + ["各数字占比（0–9，%）"]
    rows = [[data["arms"][r["arm"]]["label_zh"], r["seed"], epoch, "是" if is_collapsed(c) else "否"]
            + metric_cells(c, TABLE_METRICS) + [" ".join(f"{100 * s:.0f}" for s in c["shares"])]
            for r, epoch, c in _scored(data, "seeds")]
    return markdown(header, rows, 1) + "\n"


def _change_text(info: dict, base: dict) -> str:
    """What differs from the first GAN, read from the arms' settings in the results file."""
    changes = []
    if info["loss"] != base["loss"]:
        changes.append(f"{base['loss']} → {info['loss']}")
    if (info["D_hidden"], info["G_hidden"]) != (base["D_hidden"], base["G_hidden"]):
        changes.append(f"{base['D_hidden']} → {info['D_hidden']}")
    if (info["D_optimiser"], info["G_optimiser"]) != (base["D_optimiser"], base["G_optimiser"]):
        changes.append(f"{base['D_optimiser']} → {info['D_optimiser']}")
    if info["seed_size"] != base["seed_size"]:
        changes.append(f"噪声 {base['seed_size']} → {info['seed_size']} 个值")
    if info["seed_distribution"] != base["seed_distribution"]:
        zh = {"uniform": "均匀分布", "normal": "正态分布"}
        changes.append(f"噪声{zh[base['seed_distribution']]} → {zh[info['seed_distribution']]}")
    if len(changes) == 5:
        return "以上五项全改"
    return "；".join(changes) or "（基线）"


def ablation_table(data: dict) -> str:
    g = data["groups"]["ablation"]
    epoch = str(g["epochs"])
    header = ["变体", "改动", "崩溃"] + headers(TABLE_METRICS)
    rows = []
    by_arm = summaries(data, "ablation")
    for arm in g["arms"]:
        s = by_arm.get(arm, {}).get(epoch)
        if s is None:
            continue
        info = data["arms"][arm]
        rows.append([info["label_zh"], _change_text(info, data["arms"][FIRST_GAN.name]),
                     f"{s['collapsed']}/{s['n']}"] + metric_cells(s, TABLE_METRICS))
    rows += grid.anchor_rows(data, TABLE_METRICS, blanks=2)
    seeds_note = "" if len(g["seeds"]) == 1 else f"表中为 {len(g['seeds'])} 个种子的均值 ± 标准差。"
    return (markdown(header, rows, 2) + f"\n\n{_budget_text(data, 'ablation')}。{seeds_note}"
            "锚点用同一份打分程序、同样多的图像评分。\n")


def anchors_table(data: dict) -> str:
    return markdown(["锚点"] + headers(TABLE_METRICS), grid.anchor_rows(data, TABLE_METRICS), 1) + "\n"


def timing_table(data: dict) -> str:
    header = ["部分", "训练预算", "并行进程", "墙钟时间（分钟）"]
    rows = []
    for name, g in data["groups"].items():
        runs = grid.group_runs(data, name)
        if not runs:  # rewritten after every finished run: this group has none yet
            continue
        new = g["runs_trained"]
        text = f"{new} 次训练 × {g['epochs']} 轮次 × {runs[0]['images']} 张"
        if new < len(runs):
            text += f"；另有 {len(runs) - new} 次沿用已有的检查点或分数"
        rows.append([GROUP_NAMES_ZH.get(name, name), text, g["workers"], f"{g['wall_seconds'] / 60:.1f}"])
    if "anchors_seconds" in data:
        rows.append(["锚点打分（与第一部分并行）", "4 组真实图像", 1, f"{data['anchors_seconds'] / 60:.1f}"])
    return markdown(header, rows, 2) + "\n"


TABLES = {"seeds.md": (seeds_table, "seeds"), "seed-runs.md": (seed_runs_table, "seeds"),
          "ablation.md": (ablation_table, "ablation"), "anchors.md": (anchors_table, None),
          "timing.md": (timing_table, None)}


def csv_rows(data: dict) -> pd.DataFrame:
    """One row per scored generator of each group, and one per anchor."""
    rows = []
    for group in data["groups"]:
        for r, epoch, card in _scored(data, group):
            rows.append({"part": group, "variant": r["arm"], "seed": r["seed"], "epoch": epoch,
                         "epochs": r["epochs"], "images": r["images"], "run": r["run"], "engine": r["engine"],
                         "collapsed": is_collapsed(card), **_card_columns(card),
                         "train_seconds": r["train_seconds"], "epochs_trained": r["epochs_trained"],
                         **{f"share_{d}": s for d, s in enumerate(card["shares"])}})
    for name, card in data.get("anchors", {}).items():
        rows.append({"part": "anchor", "variant": name, "collapsed": is_collapsed(card), **_card_columns(card),
                     **{f"share_{d}": s for d, s in enumerate(card["shares"])}})
    return pd.DataFrame(rows, columns=CSV_COLUMNS, dtype=object)


CSV_COLUMNS = ["part", "variant", "seed", "epoch", "epochs", "images", "run", "engine", "collapsed",
               "digits_at_least_1pct", "kl_uniform", "inception_score", "mean_top_confidence", "fid",
               "precision", "recall", "density", "coverage", "memorised_share", "n",
               "train_seconds", "epochs_trained"] + [f"share_{d}" for d in range(10)]


def _card_columns(card: dict) -> dict:
    return {k: card.get(k) for k in CSV_COLUMNS if k in card and k != "collapsed"}


def _top_digit(card: dict) -> int:
    return max(range(10), key=lambda d: card["shares"][d])


def chapter_numbers(data: dict) -> dict:
    """What the chapter says about the seeds and the ablation, as keys of chapter_metrics.json."""
    out = {}
    classifier = data.get("classifier", {})
    if "test_accuracy" in classifier:
        out.update(classifier_test_accuracy=classifier["test_accuracy"],
                   classifier_test_images=classifier["test_images"], classifier_sha256=classifier.get("sha256"))
    for name, card in data.get("anchors", {}).items():
        out.update({f"anchor_{name}_fid": card["fid"], f"anchor_{name}_is": card["inception_score"],
                    f"anchor_{name}_memorised": card["memorised_share"]})
    if "seeds" in data["groups"]:
        g = data["groups"]["seeds"]
        first, last = str(min(g["score_epochs"])), str(g["epochs"])
        runs = {arm: [r for r in grid.group_runs(data, "seeds") if r["arm"] == arm] for arm in SEED_VARIANTS}
        gan, improved = runs[FIRST_GAN.name], runs[IMPROVED_GAN.name]
        s = summaries(data, "seeds").get(IMPROVED_GAN.name, {})
        out.update(seeds_n=len(g["seeds"]), seeds_epochs=g["epochs"], seeds_first_epoch=int(first),
                   seeds_gan_runs=len(gan), seeds_improved_runs=len(improved),
                   seeds_gan_runs_id=grid.runs_id(r["run"] for r in gan),
                   seeds_gan_collapsed=sum(is_collapsed(r["scores"][last]) for r in gan),
                   seeds_gan_collapsed_first=sum(is_collapsed(r["scores"][first]) for r in gan),
                   seeds_gan_min_top_share=min((max(r["scores"][last]["shares"]) for r in gan), default=None),
                   seeds_gan_min_top_share_first=min((max(r["scores"][first]["shares"]) for r in gan), default=None),
                   seeds_gan_top_changed=sum(_top_digit(r["scores"][first]) != _top_digit(r["scores"][last])
                                             for r in gan),
                   seeds_improved_collapsed=sum(is_collapsed(r["scores"][last]) for r in improved))
        for epoch, key in ((last, ""), (first, "_first")):
            if epoch in s:
                out.update({f"seeds_improved{key}_{k}": s[epoch][m]["mean"] for k, m in
                            (("min_share", "min_share"), ("kl", "kl_uniform"), ("is", "inception_score"),
                             ("fid", "fid"))})
    if "ablation" in data["groups"]:
        g = data["groups"]["ablation"]
        epoch = str(g["epochs"])
        runs = [r for r in grid.group_runs(data, "ablation") if epoch in r["scores"]]
        single = [r for r in runs if r["arm"] not in SEED_VARIANTS]
        both = [r for r in runs if r["arm"] == IMPROVED_GAN.name]
        out.update(ablation_seeds_n=len(g["seeds"]), ablation_epochs=g["epochs"],
                   ablation_single_fixes=len({r["arm"] for r in single}), ablation_single_runs=len(single),
                   ablation_single_not_collapsed=sum(not is_collapsed(r["scores"][epoch]) for r in single),
                   ablation_all_runs=len(both),
                   ablation_all_collapsed=sum(is_collapsed(r["scores"][epoch]) for r in both))
        escaped = [r for r in single if not is_collapsed(r["scores"][epoch])]
        arms = sorted({r["arm"] for r in escaped})
        out.update(ablation_single_collapsed=len(single) - len(escaped),
                   ablation_escaping_fixes=len(arms),  # the single fixes with a run that did not collapse
                   ablation_escaping_arms=", ".join(arms) or "–",
                   ablation_escaped_kl_min=min((r["scores"][epoch]["kl_uniform"] for r in escaped), default=None),
                   ablation_escaped_digits_max=max((r["scores"][epoch]["digits_at_least_1pct"] for r in escaped),
                                                   default=None))
    return out


def write_outputs(data: dict, results_dir, table_dir) -> list:
    """The tables the chapter includes, ablation.csv and the numbers the chapter quotes
    (chapter_metrics.json), all from ``data`` (ablation.json)."""
    written = grid.write_tables(data, TABLES, table_dir)
    target = results_dir / CSV_FILE
    atomic_write_text(target, csv_rows(data).to_csv(index=False))
    record_metrics(folder=results_dir, **chapter_numbers(data))
    return written + [target, results_dir / "chapter_metrics.json"]


def main(argv=None) -> int:
    return grid.main(EXPERIMENT, write_outputs, argv, description=(
        "Seeds and the ablation of the five fixes, scored with the score card."))


if __name__ == "__main__":
    sys.exit(main())
