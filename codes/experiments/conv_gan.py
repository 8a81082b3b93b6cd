"""Section 9: listing 11's convolutional GAN over 随机数种子, its training CPU time and score cards.

Groups of runs on ``experiments.grid`` (layout of ``results/conv_gan.json``
there); the first three are listing 11's own run ``conv-gan-...`` (the checkpoints
that listing 11 and notebook 5 load):

- ``seeds``: 随机数种子 0, 1, 2, each trained ``EPOCHS`` epochs (listing 11's
  default) in a process with one thread; the moving average of G's weights
  (what listing 11 draws with) is scored after every epoch. The last epoch
  gives the table and the goal; every epoch, with the training CPU time up to
  it (``time.process_time`` of the training, saved with each checkpoint; the
  scoring is not counted), the curve of IS and FID against CPU time.
- ``without-average``: the same runs, G itself scored after the last epoch: what
  the moving average adds.
- ``longer``: 随机数种子 0 trained on (the same run, resumed) to ``longer_epochs``,
  scored every 2 epochs: how much CPU time the IS goal needs when the budget
  does not reach it.
- ``wider`` and ``wider-longer``: listing 11 with twice the channels in G
  (``WideGenerator``), the same 随机数种子 scored every 2 epochs, and seed 0
  trained on to ``longer_epochs``: whether a bigger G reaches the IS goal, and
  at what CPU time.
- ``conditional``: a conditional GAN (G told which digit to draw, D told which
  digit each image is; ``ConditionalGenerator``, ``ConditionalDiscriminator``),
  otherwise listing 11, the same 随机数种子 scored after every epoch: whether the
  same networks reach every goal within the budget once they know the labels.
- ``ingredients``: listing 11 without spectral normalisation, and listing 11
  with three common ingredients added together (batch normalisation in G, the
  hinge loss, twice the learning rate for D), same epochs; with
  ``without-average`` (the moving average taken out) the ingredient table: what
  the goals become without each ingredient, and with more.

Command line (``make conv-gan``)::

    PYTHONPATH=codes python -m experiments.conv_gan [--data DATA] [--workers 1]
    PYTHONPATH=codes python -m experiments.conv_gan --groups seeds without-average   # the budget only
    PYTHONPATH=codes python -m experiments.conv_gan --groups ingredients   # one ingredient out at a time
    PYTHONPATH=codes python -m experiments.conv_gan --groups wider wider-longer   # G with twice the channels
    PYTHONPATH=codes python -m experiments.conv_gan --groups conditional   # told which digit to draw
    PYTHONPATH=codes python -m experiments.conv_gan --quick      # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m experiments.conv_gan --tables     # only tables, figures and numbers

Results: ``results/conv_gan.json``, ``results/tables/conv_gan.md`` (score cards
of every seed, their mean ± sd, the anchors), ``results/tables/conv_gan_goal.md``
(each goal item, what was measured, reached or not), ``conv_gan_longer.md`` (listing 11
and the wider G, after the budget's epochs and trained on), ``conv_gan_conditional.md``
(the conditional GAN after each epoch), the numbers the chapter quotes (``conv_*`` in
``chapter_metrics.json``), figures 2-72 (samples and digit shares of every seed), 2-73
(IS and FID against CPU time) and 2-74 (the conditional G, one row per digit asked
for). Figure 2-70 is listing 11's own output.
"""
from __future__ import annotations

import math
import statistics
import sys

import torch
from torch import nn
from torch.nn.utils import parametrize

import gankit
import chapter_2_3_2_11 as L11
import manifest
from chapter_2_3_2_09 import generate_normal_noise
from gankit.data import source_description
from gankit.metrics import summarise, with_min_share
from gankit.results import record_metrics
from gankit.storage import read_json
from gankit.tables import headers, markdown, metric_cells

from . import grid
from .models import BATCHES, Arm, book_arm

NAME = "conv_gan"
TABLE_FILE = "conv_gan.md"
GOAL_FILE = "conv_gan_goal.md"
INGREDIENTS_FILE = "conv_gan_ingredients.md"
LONGER_FILE = "conv_gan_longer.md"
CONDITIONAL_FILE = "conv_gan_conditional.md"
NOISE_SIZE = 100

# The goal of section 9, for 3 随机数种子 with 5,000 samples each.
GOAL = {"min_share": 0.05,  # every digit at least 5% of the samples, in every seed
        "kl_uniform": 0.05,  # KL(digit shares || uniform), in every seed
        "inception_score": 8.5,  # classifier IS, mean over the seeds (real test images: about 9.8)
        "cpu_seconds": 600.0}  # training CPU time of one run, one thread, in every seed

FULL = {"seeds": [0, 1, 2], "epochs": L11.EPOCHS, "longer_seeds": [0], "longer_epochs": 16,
        "ingredient_seeds": [0, 1, 2], "limit": None, "samples": 5000}
QUICK = {"seeds": [0], "epochs": 1, "longer_seeds": [0], "longer_epochs": 2, "ingredient_seeds": [0],
         "limit": 128, "samples": 200, "data": "builtin"}
RICHER_D_LEARNING_RATE = 2 * L11.LEARNING_RATE  # two time scales (Heusel et al. 2017): D twice G's rate
TABLE_METRICS = ["min_share", "kl_uniform", "inception_score", "fid", "recall", "coverage", "memorised_share"]
SOURCES = "Radford et al. 2016; Lim & Ye 2017; Miyato et al. 2018; Heusel et al. 2017; Yazici et al. 2019"

BOOK_MODEL = manifest.trained_by("chapter_2_3_2_11.py")
CONV_GAN = book_arm(BOOK_MODEL, BOOK_MODEL.name, "convolutional GAN (listing 11), moving average of G scored",
                    "卷积 GAN（代码清单 11）", source=SOURCES, cost=4.0, batch_size=L11.BATCH_SIZE)
# the same runs (same prefix, classes and loop: the same checkpoints), G itself scored
WITHOUT_AVERAGE = Arm("conv-gan-raw", "the same runs, G itself scored (no moving average)",
                      "同样的训练，不用滑动平均", L11.ConvDiscriminator, L11.ConvGenerator, generate_normal_noise,
                      NOISE_SIZE, BOOK_MODEL.run, BATCHES, SOURCES, cost=0.1, batch_size=L11.BATCH_SIZE)


# ------------------------------------------------------------------ one ingredient out at a time
def _adam(params, lr):
    return torch.optim.Adam(params, lr=lr, betas=L11.BETAS)


class NoSpectralNormDiscriminator(L11.ConvDiscriminator):
    """Listing 11's D without spectral normalisation (each layer keeps its initial weights)."""

    def __init__(self):
        super().__init__()
        for layer in self.model:
            if parametrize.is_parametrized(layer):
                parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
        self.optimiser = _adam(self.parameters(), L11.LEARNING_RATE)


class HingeLoss(nn.Module):
    """The hinge loss (Lim & Ye 2017): real images' scores above +1, generated ones' below -1."""

    def forward(self, outputs, targets):
        signs = 2 * targets - 1  # target 1.0 -> +1, target 0.0 -> -1
        return torch.relu(1 - signs * outputs).mean()


class RicherDiscriminator(L11.ConvDiscriminator):
    """Listing 11's D with a raw score (no Sigmoid), the hinge loss and twice G's learning rate."""

    def __init__(self):
        super().__init__()
        self.model = self.model[:-1]  # the same layers without the Sigmoid
        self.loss_function = HingeLoss()
        self.optimiser = _adam(self.parameters(), RICHER_D_LEARNING_RATE)


class RicherGenerator(L11.ConvGenerator):
    """Listing 11's G with batch normalisation after its first linear and transposed-convolution layers."""

    def __init__(self):
        super().__init__()
        layers = list(self.model)
        layers.insert(1, nn.BatchNorm1d(64 * 7 * 7))  # after Linear: 64 x 7 x 7 values
        layers.insert(5, nn.BatchNorm2d(32))  # after the first ConvTranspose2d: 32 channels
        self.model = nn.Sequential(*layers)
        self.optimiser = _adam(self.model.parameters(), L11.LEARNING_RATE)
        self.average = torch.optim.swa_utils.AveragedModel(
            self.model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(L11.EMA_DECAY))


def _ingredient(name, label, label_zh, D, G):
    return Arm(f"conv-{name}", label, label_zh, D, G, generate_normal_noise, NOISE_SIZE, f"conv-gan-{name}",
               BATCHES, SOURCES, cost=4.0, batch_size=L11.BATCH_SIZE, draws="average")


INGREDIENTS = [
    _ingredient("no-sn", "listing 11 without spectral norm", "去掉谱归一化", NoSpectralNormDiscriminator,
                L11.ConvGenerator),
    _ingredient("richer", "listing 11 plus batch norm in G, the hinge loss and twice the learning rate for D",
                "加上三样常见成分", RicherDiscriminator, RicherGenerator),
]


# ------------------------------------------------------------------ a wider generator
WIDE_CHANNELS = (128, 64)  # G's feature maps at 7 x 7 and 14 x 14: twice listing 11's (64, 32)


class WideGenerator(L11.ConvGenerator):
    """Listing 11's G with twice the channels: 128 feature maps of 7 x 7, then 64 of 14 x 14."""

    def __init__(self):
        super().__init__()
        wide, narrow = WIDE_CHANNELS
        self.model = nn.Sequential(
            nn.Linear(NOISE_SIZE, wide * 7 * 7), nn.ReLU(), nn.Unflatten(1, (wide, 7, 7)),
            nn.ConvTranspose2d(wide, narrow, 4, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(narrow, 1, 4, stride=2, padding=1), nn.Sigmoid(), nn.Flatten())
        self.optimiser = _adam(self.model.parameters(), L11.LEARNING_RATE)
        self.average = torch.optim.swa_utils.AveragedModel(
            self.model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(L11.EMA_DECAY))


WIDE = Arm("conv-wide-g", "listing 11 with twice the channels in G", "生成器的通道加倍", L11.ConvDiscriminator,
           WideGenerator, generate_normal_noise, NOISE_SIZE, "conv-gan-wide-g", BATCHES, SOURCES, cost=6.5,
           batch_size=L11.BATCH_SIZE, draws="average")
WIDE_SHORT = "通道加倍"  # its label in the table of longer runs (the print edition's columns are narrow)


# ------------------------------------------------------------------ told which digit to draw
DIGITS = 10  # MNIST's classes: a conditional GAN's G is also given one of them, as 10 one-hot values
CONDITIONAL_SOURCES = "Mirza & Osindero 2014; Miyato & Koyama 2018"


def one_hot(digits):
    """Each digit as 10 values, 1.0 at its own place."""
    return nn.functional.one_hot(digits.long(), DIGITS).float()


def generate_labelled_noise(size):
    """100 normal noise values, then the one-hot code of a random digit: what the conditional G draws from."""
    rows = size[0] if isinstance(size, tuple) else size
    return torch.cat([torch.randn(rows, NOISE_SIZE), one_hot(torch.randint(DIGITS, (rows,)))], 1)


class ConditionalDiscriminator(L11.ConvDiscriminator):
    """Listing 11's D, told which digit each image should be: 784 pixels, then 10 one-hot values."""

    def __init__(self):
        super().__init__()
        # projection (Miyato & Koyama 2018): each digit has a vector as long as the image's features;
        # their inner product is added to the score
        self.embed = L11.spectral_norm(nn.Linear(DIGITS, 64 * 7 * 7, bias=False))
        self.optimiser = _adam(self.parameters(), L11.LEARNING_RATE)

    def forward(self, inputs):
        features = self.model[:-2](inputs[:, :784])  # the layers before the last Linear
        codes = inputs[:, 784:]
        return self.model[-1](self.model[-2](features) + (self.embed(codes) * features).sum(1, keepdim=True))


class _TellDigits:
    """D as G's step sees it: each generated image is scored as the digit it was asked for."""

    def __init__(self, D, codes):
        self.D, self.codes, self.loss_function = D, codes, D.loss_function

    def forward(self, images):
        return self.D.forward(torch.cat([images, self.codes], 1))


class ConditionalGenerator(L11.ConvGenerator):
    """Listing 11's G fed 100 noise values and the one-hot code of the digit to draw."""

    def __init__(self):
        super().__init__()
        self.model[0] = nn.Linear(NOISE_SIZE + DIGITS, 64 * 7 * 7)
        self.optimiser = _adam(self.model.parameters(), L11.LEARNING_RATE)
        self.average = torch.optim.swa_utils.AveragedModel(
            self.model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(L11.EMA_DECAY))

    def train(self, D, inputs, targets):
        super().train(_TellDigits(D, inputs[:, NOISE_SIZE:]), inputs, targets)


def train_conditional_batches(D, G, dataset, batch_size):
    """Listing 10's epoch of three steps, each real image shown with its digit, G asked for random digits."""
    order = torch.randperm(len(dataset))
    for batch in gankit.progress(order.split(batch_size), "条件 GAN 小批量"):
        real = torch.cat([dataset.images[batch], one_hot(dataset.labels[batch])], 1)
        n = len(real)
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
        D.train(real, ones)
        noise = generate_labelled_noise(n)
        D.train(torch.cat([G.forward(noise).detach(), noise[:, NOISE_SIZE:]], 1), zeros)
        G.train(D, generate_labelled_noise(n), ones)


CONDITIONAL = Arm("conv-conditional", "listing 11 told which digit to draw (conditional GAN, projection D)",
                  "告诉它画哪个数字", ConditionalDiscriminator, ConditionalGenerator, generate_labelled_noise,
                  NOISE_SIZE + DIGITS, "conv-gan-conditional", BATCHES, CONDITIONAL_SOURCES, cost=4.2,
                  batch_size=L11.BATCH_SIZE, draws="average", loop=train_conditional_batches)
CONDITIONAL_SHORT = "条件 GAN"  # its name in figure 2-73
ARMS = {a.name: a for a in (CONV_GAN, WITHOUT_AVERAGE, *INGREDIENTS, WIDE, CONDITIONAL)}


def groups(budget: dict) -> dict:
    epochs, longer = budget["epochs"], max(budget["longer_epochs"], budget["epochs"])
    return {"seeds": {"arms": [CONV_GAN.name], "seeds": budget["seeds"], "epochs": epochs,
                      "score_epochs": list(range(1, epochs + 1))},
            "without-average": {"arms": [WITHOUT_AVERAGE.name], "seeds": budget["seeds"], "epochs": epochs,
                                "score_epochs": [epochs]},
            "longer": {"arms": [CONV_GAN.name], "seeds": budget["longer_seeds"], "epochs": longer,
                       "score_epochs": sorted(set(range(2, longer + 1, 2)) | {longer})},
            "wider": {"arms": [WIDE.name], "seeds": budget["seeds"], "epochs": epochs,
                      "score_epochs": sorted(set(range(2, epochs + 1, 2)) | {epochs})},
            "wider-longer": {"arms": [WIDE.name], "seeds": budget["longer_seeds"], "epochs": longer,
                             "score_epochs": sorted(set(range(2, longer + 1, 2)) | {longer})},
            "conditional": {"arms": [CONDITIONAL.name], "seeds": budget["seeds"], "epochs": epochs,
                            "score_epochs": list(range(1, epochs + 1))},
            "ingredients": {"arms": [a.name for a in INGREDIENTS], "seeds": budget["ingredient_seeds"],
                            "epochs": epochs, "score_epochs": [epochs]}}


EXPERIMENT = grid.Experiment(NAME, ARMS, FULL, QUICK, groups)


# ------------------------------------------------------------------ analysis
def last_card(run: dict) -> dict:
    """The score card of a run record after its last epoch."""
    return with_min_share(run["scores"][str(run["epochs"])])


def curve(run: dict) -> list[dict]:
    """(epoch, training CPU seconds up to it, card) of every scored epoch of a run, in order."""
    return [{"epoch": int(e), "cpu_seconds": c.get("train_cpu_seconds"), **with_min_share(c)}
            for e, c in sorted(run["scores"].items(), key=lambda kv: int(kv[0]))]


def goal_checks(runs: list[dict], noisy_fid: float | None, memorised_limit: float | None) -> dict:
    """Each item of the goal, reached or not: in every seed, except IS (the mean over the seeds)."""
    cards = [last_card(r) for r in runs]
    cpu = [r.get("cpu_seconds") for r in runs]
    checks = {
        "every_digit_5pct": min(c["min_share"] for c in cards) >= GOAL["min_share"],
        "kl": max(c["kl_uniform"] for c in cards) <= GOAL["kl_uniform"],
        "fid_below_noisy": noisy_fid is not None and max(c["fid"] for c in cards) < noisy_fid,
        "inception_score": statistics.fmean(c["inception_score"] for c in cards) >= GOAL["inception_score"],
        # samples counted as copies of a training image: no more than real test images (the "real" anchor)
        "no_memorisation": memorised_limit is not None and max(c["memorised_share"] for c in cards) <= memorised_limit,
        "cpu_budget": None not in cpu and max(cpu) <= GOAL["cpu_seconds"],
    }
    checks["all"] = all(checks.values())
    return checks


def first_reaching(points: list[dict], key: str, target: float) -> dict | None:
    """The first point of a curve whose ``key`` reaches ``target`` (IS: at least; others: at most)."""
    for p in points:
        if (p[key] >= target) if key == "inception_score" else (p[key] <= target):
            return p
    return None


def _noisy_fid(data: dict) -> float | None:
    return data.get("anchors", {}).get("noisy", {}).get("fid")


def _real_memorised(data: dict) -> float | None:
    return data.get("anchors", {}).get("real", {}).get("memorised_share")


# ------------------------------------------------------------------ tables
def _data_text(data: dict) -> str:
    settings = data.get("settings", {})
    return source_description(settings["data_key"]) if "data_key" in settings else "?"


def _cpu(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def results_table(data: dict) -> str:
    """The score card of every seed, their mean ± sd, G without its moving average, the anchors."""
    runs = grid.group_runs(data, "seeds")
    header = ["", "随机数种子", "训练 CPU 时间（秒）"] + headers(TABLE_METRICS)
    rows = [[f"卷积 GAN，{r['epochs']} 轮", r["seed"], _cpu(r.get("cpu_seconds"))]
            + metric_cells(last_card(r), TABLE_METRICS) for r in runs]
    seeds = ", ".join(str(r["seed"]) for r in runs)
    cpus = [r["cpu_seconds"] for r in runs if r.get("cpu_seconds") is not None]
    if len(runs) > 1:
        cpu = f"{statistics.fmean(cpus):.0f} ± {statistics.stdev(cpus):.0f}" if len(cpus) > 1 else "–"
        rows.append(["**均值 ± 标准差**", seeds, cpu] + metric_cells(summarise([last_card(r) for r in runs]),
                                                                    TABLE_METRICS))
    raw = grid.group_runs(data, "without-average")
    if raw:
        rows.append(["同样的训练，不用滑动平均", ", ".join(str(r["seed"]) for r in raw), "（同上）"]
                    + metric_cells(summarise([last_card(r) for r in raw]), TABLE_METRICS))
    rows += [r for r in grid.anchor_rows(data, TABLE_METRICS, blanks=2) if "只有数字" not in r[0]]
    s, g = data.get("settings", {}), data["groups"]["seeds"]
    note = (f"数据：{_data_text(data)}；每个随机数种子训练 {g['epochs']} 个轮次（小批量 {runs[0].get('batch_size', '?')} "
            "张），单线程进程，CPU 时间只计训练（`time.process_time`），不含打分。打分的是权重滑动平均后的生成器"
            " `G.average`（“不用滑动平均”一行是同一次训练的生成器 `G` 本身），每次 "
            f"{s.get('samples', 0):,} 个样本（噪声的随机数种子 {s.get('sample_seed', 0)}）；多个种子时为均值 ± "
            "标准差（n − 1）。“最少数字占比”是 10 个数字中最少的那个所占的比例。锚点用同一份打分程序、同样多的图像评分。")
    if not g.get("complete", True):
        note += f"**运行尚未完成**：已完成 {g['runs_done']}/{g['runs_planned']} 次训练，表中只含已完成的种子。"
    return markdown(header, rows, 1) + "\n\n" + note + "\n"


def _yes(ok: bool) -> str:
    return "✓ 达到" if ok else "✗ 未达到"


def goal_table(data: dict) -> str:
    """Each goal item, what was measured, whether it was reached; then the longer run, if any."""
    runs = grid.group_runs(data, "seeds")
    cards = [last_card(r) for r in runs]
    noisy, real = _noisy_fid(data), _real_memorised(data)
    checks = goal_checks(runs, noisy, real)
    cpus = [r.get("cpu_seconds") for r in runs]
    is_values = [c["inception_score"] for c in cards]
    rows = [
        ["每个数字至少占 5%（每个随机数种子）", f"≥ {GOAL['min_share']:.3f}",
         f"最少 {min(c['min_share'] for c in cards):.3f}", _yes(checks["every_digit_5pct"])],
        ["数字分布的 KL（每个随机数种子）", f"≤ {GOAL['kl_uniform']:.2f}",
         f"最大 {max(c['kl_uniform'] for c in cards):.3f}", _yes(checks["kl"])],
        ["FID 低于加噪真实图像锚点（每个随机数种子）", "< " + ("–" if noisy is None else f"{noisy:.1f}"),
         f"最大 {max(c['fid'] for c in cards):.1f}", _yes(checks["fid_below_noisy"])],
        [f"IS（{len(cards)} 个随机数种子的均值）", f"≥ {GOAL['inception_score']:.1f}",
         f"{statistics.fmean(is_values):.2f}（最小 {min(is_values):.2f}）", _yes(checks["inception_score"])],
        ["记忆的样本比例（每个随机数种子）", "≤ 真实测试图像的 " + ("–" if real is None else f"{real:.3f}"),
         f"最大 {max(c['memorised_share'] for c in cards):.3f}", _yes(checks["no_memorisation"])],
        ["训练的 CPU 时间（单线程，每个随机数种子）", f"≤ {GOAL['cpu_seconds']:.0f} 秒",
         "–" if None in cpus else f"最多 {max(cpus):.0f} 秒", _yes(checks["cpu_budget"])],
    ]
    reached = sum(v for k, v in checks.items() if k != "all")
    lines = [markdown(["目标", "要求", "实测", "结果"], rows, 1), "",
             f"{len(rows)} 项目标达到了 {reached} 项（{len(cards)} 个随机数种子：{', '.join(str(r['seed']) for r in runs)}）。"]
    longer = grid.group_runs(data, "longer")
    if longer:
        run, points = longer[0], curve(longer[0])
        hit, last = first_reaching(points, "inception_score", GOAL["inception_score"]), points[-1]
        if hit:
            lines[-1] += (f"加长训练（随机数种子 {run['seed']}）的 IS 在第 {hit['epoch']} 轮、累计训练 CPU 时间"
                          f" {_cpu(hit['cpu_seconds'])} 秒时首次达到 {GOAL['inception_score']}"
                          f"（{hit['inception_score']:.2f}）。")
        else:
            lines[-1] += (f"加长训练（随机数种子 {run['seed']}）到第 {last['epoch']} 轮、累计训练 CPU 时间"
                          f" {_cpu(last['cpu_seconds'])} 秒，IS 为 {last['inception_score']:.2f}，"
                          f"仍未达到 {GOAL['inception_score']}。")
    return "\n".join(lines) + "\n"


def _common_seeds(data: dict) -> set:
    """The seeds every ingredient arm that has run has finished (a cut-short run: its whole seeds)."""
    ran = grid.group_runs(data, "ingredients")
    per_arm = [{r["seed"] for r in ran if r["arm"] == a.name} for a in INGREDIENTS]
    return set.intersection(*[s for s in per_arm if s]) if any(per_arm) else set()


def _ingredient_rows(data: dict) -> list[tuple[str, str, list]]:
    """The ingredient table's rows, as (label, key of its numbers, its runs on the seeds every arm finished):
    listing 11, listing 11 scored on G itself, then each ingredient-removal arm."""
    seeds, ran = _common_seeds(data), grid.group_runs(data, "ingredients")
    rows = [("代码清单 11（全部成分）", "conv", grid.group_runs(data, "seeds")),
            ("去掉权重的指数滑动平均", "conv_no_average", grid.group_runs(data, "without-average")),
            *[(a.label_zh, a.name.replace("-", "_"), [r for r in ran if r["arm"] == a.name]) for a in INGREDIENTS]]
    return [(label, key, [r for r in runs if r["seed"] in seeds]) for label, key, runs in rows]


def ingredients_table(data: dict) -> str:
    """Listing 11, then listing 11 without each ingredient, then with three more: the goals each reaches."""
    noisy, real = _noisy_fid(data), _real_memorised(data)
    seeds = _common_seeds(data)
    rows = []
    for label, _, runs in _ingredient_rows(data):  # the same seeds in every row
        if not runs:
            continue
        cards, checks = [last_card(r) for r in runs], goal_checks(runs, noisy, real)
        cpus = [r.get("cpu_seconds") for r in runs]
        rows.append([label, f"{min(c['min_share'] for c in cards):.3f}",
                     f"{max(c['kl_uniform'] for c in cards):.3f}",
                     f"{statistics.fmean(c['inception_score'] for c in cards):.2f}",
                     f"{max(c['fid'] for c in cards):.1f}", f"{max(c['memorised_share'] for c in cards):.3f}",
                     "–" if None in cpus else f"{max(cpus):.0f}",
                     f"{sum(v for k, v in checks.items() if k != 'all')}/{len(checks) - 1}"])
    header = ["做法", "最少占比", "KL", "IS", "FID", "记忆", "CPU 秒", "目标"]
    g = data["groups"]["ingredients"]
    note = (f"每行训练 {g['epochs']} 个轮次，随机数种子 {', '.join(str(x) for x in sorted(seeds))}"
            f"（每种做法都训练完了的种子），打分与代码清单 11 相同（每次 "
            f"{data.get('settings', {}).get('samples', 0):,} 个样本）；除最后一行外，每行只改一处，其余不变。"
            "多个种子时，最少占比、KL、FID、记忆比例和 CPU 秒取最差的种子，IS 取均值；“目标”是 6 项中达到的项数。"
            "“去掉权重的指数滑动平均”是代码清单 11 的同一次训练、给生成器 `G` 本身打分。"
            "“加上三样常见成分”即批归一化、合页损失和两个学习率：在生成器的前两层后面各加一层批归一化，判别器不接 Sigmoid、"
            f"改用合页损失，判别器的学习率加倍（{RICHER_D_LEARNING_RATE}）。"
            f"6 项目标：每个数字至少 {GOAL['min_share']:.0%}，KL ≤ {GOAL['kl_uniform']}，FID 低于加噪真实图像锚点，"
            f"IS 均值 ≥ {GOAL['inception_score']}，记忆比例不高于真实测试图像，"
            f"训练 CPU 时间 ≤ {GOAL['cpu_seconds']:.0f} 秒。")
    if not g.get("complete", True):
        note += f"**运行尚未完成**：已完成 {g['runs_done']}/{g['runs_planned']} 次训练，表中只含已完成的种子。"
    return markdown(header, rows, 1) + "\n\n" + note + "\n"


def longer_table(data: dict) -> str:
    """Listing 11 and the generator with twice the channels: after the budget's epochs, and trained on."""
    rows = []
    for label, group in (("代码清单 11", "seeds"), ("代码清单 11，继续训练", "longer"),
                         (WIDE_SHORT, "wider"), (f"{WIDE_SHORT}，继续训练", "wider-longer")):
        runs = grid.group_runs(data, group)
        if not runs:
            continue
        row = run_numbers("row", runs, data)
        rows.append([label, runs[0]["epochs"], ", ".join(str(r["seed"]) for r in runs), f"{row['row_is']:.2f}",
                     f"{row['row_fid']:.1f}", f"{row['row_min_share']:.3f}", _cpu(row.get("row_cpu_max_s"))])
    header = ["做法", "轮次", "随机数种子", "IS", "FID", "最少占比", "CPU 秒"]
    wide, narrow = WIDE_CHANNELS
    note = "“继续训练”是随机数种子 0 的同一次训练接着训练下去。"
    if any(r[0].startswith(WIDE_SHORT) for r in rows):
        note += (f"“{WIDE_SHORT}”：生成器 7×7 的特征图有 {wide} 张，14×14 的有 {narrow} 张（代码清单 11 为 "
                 f"{wide // 2} 张和 {narrow // 2} 张），其余与代码清单 11 相同。")
    note += ("多个种子时，IS 和 FID 取均值，最少占比和 CPU 秒取最差的种子。打分与代码清单 11 相同（每次 "
             f"{data.get('settings', {}).get('samples', 0):,} 个样本）。")
    return markdown(header, rows, 1) + "\n\n" + note + "\n"


def conditional_table(data: dict) -> str:
    """The conditional GAN after each epoch: its seeds' scores, the most training CPU time, goals met."""
    runs = grid.group_runs(data, "conditional")
    rows = []
    for epoch in scored_in_all(runs):
        row = run_numbers("row", [at_epoch(r, epoch) for r in runs], data)
        rows.append([epoch, f"{row['row_is']:.2f}", f"{row['row_fid']:.1f}", f"{row['row_min_share']:.3f}",
                     f"{row['row_kl_max']:.3f}", _cpu(row.get("row_cpu_max_s")),
                     f"{row['row_goals_reached']}/{row['row_goals_n']}"])
    header = ["轮次", "IS", "FID", "最少占比", "KL", "CPU 秒", "目标"]
    note = (f"随机数种子 {', '.join(str(r['seed']) for r in runs)}，每个轮次之后打一次分。IS 和 FID 取均值，"
            "最少占比、KL 和 CPU 秒取最差的种子。“目标”是六项目标达到了几项，CPU 秒是到这个轮次为止的训练 CPU "
            "时间。打分与代码清单 11 相同，只是每个样本要画的数字从 0～9 中等概率随机抽取，与噪声值一起交给生成器。")
    return markdown(header, rows, 1) + "\n\n" + note + "\n"


# ------------------------------------------------------------------ numbers for the text
def longer_numbers(points: list[dict], budget_epochs: int, prefix: str = "conv_longer") -> dict:
    """A longer run after the budget's last epoch (keys ``<prefix>_*``): how fast IS still rises per
    budget of CPU time, and when it reaches the goal, or (an extrapolation, not a measurement) when it would."""
    start = next((p for p in points if p["epoch"] >= budget_epochs), points[0])  # the budget's end
    last = points[-1]
    hit = first_reaching(points, "inception_score", GOAL["inception_score"])
    budgets = (last["cpu_seconds"] - start["cpu_seconds"]) / GOAL["cpu_seconds"]
    per_budget = (last["inception_score"] - start["inception_score"]) / budgets if budgets > 0 else 0.0
    out = {"epochs": last["epoch"], "cpu_s": last["cpu_seconds"], "budgets": last["cpu_seconds"] / GOAL["cpu_seconds"],
           "is": last["inception_score"], "fid": last["fid"], "confidence": last["mean_top_confidence"],
           "start_epoch": start["epoch"], "start_is": start["inception_score"], "start_fid": start["fid"],
           "is_per_budget": per_budget, "best_is": max(p["inception_score"] for p in points),
           "reaches_is": hit is not None}
    if hit:
        out.update(is_epoch=hit["epoch"], is_cpu_s=hit["cpu_seconds"], is_budgets=hit["cpu_seconds"] / GOAL["cpu_seconds"])
    elif per_budget > 0:  # straight on at the rate after the budget: an estimate, said as one
        more = (GOAL["inception_score"] - last["inception_score"]) / per_budget * GOAL["cpu_seconds"]
        out.update(estimate_cpu_s=last["cpu_seconds"] + more,
                   estimate_budgets=(last["cpu_seconds"] + more) / GOAL["cpu_seconds"])
    return {f"{prefix}_{key}": value for key, value in out.items()}


def wider_numbers(data: dict) -> dict:
    """The generator with twice the channels (``conv_wide_*``): its seeds after the budget's epochs
    (``run_numbers``, the epochs, the best seed's IS), and its longer run (``conv_wide_longer_*``)."""
    runs = grid.group_runs(data, "wider")
    if not runs:
        return {}
    out = {**run_numbers("conv_wide", runs, data), "conv_wide_epochs": runs[0]["epochs"],
           "conv_wide_is_max": max(last_card(r)["inception_score"] for r in runs)}
    longer = grid.group_runs(data, "wider-longer")
    if longer:
        out.update(longer_numbers(curve(longer[0]), runs[0]["epochs"], prefix="conv_wide_longer"))
    narrow = grid.group_runs(data, "longer")
    least = out.get("conv_wide_cpu_min_s")
    if narrow and least is not None:  # listing 11 trained on, at its last score within the wide G's CPU time
        within = [p for p in curve(narrow[0]) if p["cpu_seconds"] is not None and p["cpu_seconds"] <= least]
        if within:
            out.update(conv_wide_matched_epoch=within[-1]["epoch"], conv_wide_matched_cpu_s=within[-1]["cpu_seconds"],
                       conv_wide_matched_is=within[-1]["inception_score"], conv_wide_matched_fid=within[-1]["fid"])
    return out


def at_epoch(run: dict, epoch: int) -> dict:
    """A run record as if its training had stopped after ``epoch``: that epoch's card and CPU time."""
    card = run["scores"][str(epoch)]
    return {**run, "epochs": epoch, "scores": {str(epoch): card}, "cpu_seconds": card.get("train_cpu_seconds")}


def scored_in_all(runs: list[dict]) -> list[int]:
    """The epochs scored in every run, in order."""
    return sorted(set.intersection(*({int(e) for e in r["scores"]} for r in runs)))


def budget_epoch(runs: list[dict]) -> int | None:
    """The last epoch scored in every run whose training CPU time is within the budget in every run."""
    within = [e for e in scored_in_all(runs)
              if all((r["scores"][str(e)].get("train_cpu_seconds") or math.inf) <= GOAL["cpu_seconds"] for r in runs)]
    return max(within, default=None)


def _parameters(model) -> int:
    """How many weights a network trains."""
    return sum(p.numel() for p in model.parameters())


def conditional_numbers(data: dict) -> dict:
    """The conditional GAN (``conv_cond_*``): ``run_numbers`` of its seeds at the last epoch within the
    CPU budget, and whether every goal is met there; the epoch by which every seed's IS has reached the
    goal; ``conv_cond_last_*``: its seeds after their last epoch; the weights of its D and of listing 11's."""
    runs = grid.group_runs(data, "conditional")
    if not runs:
        return {}
    out = {"conv_cond_seeds": ", ".join(str(r["seed"]) for r in runs), **run_numbers("conv_cond_last", runs, data),
           "conv_cond_last_epoch": runs[0]["epochs"]}
    epoch = budget_epoch(runs)
    if epoch is not None:
        within = [at_epoch(r, epoch) for r in runs]
        out.update(run_numbers("conv_cond", within, data), conv_cond_epoch=epoch,
                   conv_cond_memorised_max=max(last_card(r)["memorised_share"] for r in within),
                   conv_cond_is_min=min(last_card(r)["inception_score"] for r in within))
    with torch.random.fork_rng(devices=[]):  # building the networks draws weights: leave the RNG as it was
        out.update(conv_d_params=_parameters(L11.ConvDiscriminator()),
                   conv_cond_d_params=_parameters(ConditionalDiscriminator()))
    hits = [first_reaching(curve(r), "inception_score", GOAL["inception_score"]) for r in runs]
    if None not in hits:  # every seed reached the goal: by which epoch, and the most CPU time it took
        out.update(conv_cond_is_epoch=max(h["epoch"] for h in hits),
                   conv_cond_is_cpu_max_s=max(h["cpu_seconds"] for h in hits))
    return out


def chapter_numbers(data: dict) -> dict:
    """What the chapter says about the convolutional GAN, as keys of chapter_metrics.json."""
    runs = grid.group_runs(data, "seeds")
    cards = [last_card(r) for r in runs]
    s = summarise(cards)
    checks = goal_checks(runs, _noisy_fid(data), _real_memorised(data))
    cpus = [r["cpu_seconds"] for r in runs if r.get("cpu_seconds") is not None]
    out = {"conv_epochs": data["groups"]["seeds"]["epochs"], "conv_seeds_n": len(runs),
           "conv_batch_size": runs[0].get("batch_size"), "conv_min_share": s["min_share"]["min"],
           "conv_kl_max": s["kl_uniform"]["max"], "conv_is": s["inception_score"]["mean"],
           "conv_is_min": s["inception_score"]["min"], "conv_fid": s["fid"]["mean"], "conv_fid_max": s["fid"]["max"],
           "conv_memorised_max": s["memorised_share"]["max"], "conv_goal_is": GOAL["inception_score"],
           "conv_goal_min_share": GOAL["min_share"], "conv_goal_kl": GOAL["kl_uniform"],
           "conv_goal_cpu_s": GOAL["cpu_seconds"], "conv_goals_reached": sum(v for k, v in checks.items() if k != "all"),
           "conv_goals_n": len(checks) - 1, "conv_goal_all": checks["all"]}
    out.update({f"conv_goal_{k}": v for k, v in checks.items() if k != "all"})
    if _noisy_fid(data) is not None:
        out["conv_noisy_fid"] = _noisy_fid(data)
    out["conv_confidence"] = s["mean_top_confidence"]["mean"]  # the classifier's mean certainty
    if "real" in data.get("anchors", {}):
        out["conv_real_confidence"] = data["anchors"]["real"]["mean_top_confidence"]
        out["conv_real_is"] = data["anchors"]["real"]["inception_score"]
    if cpus:
        out.update(conv_cpu_s=statistics.fmean(cpus), conv_cpu_max_s=max(cpus), conv_cpu_min_s=min(cpus))
    raw = grid.group_runs(data, "without-average")
    if raw:
        r = summarise([last_card(x) for x in raw])
        out.update(conv_raw_is=r["inception_score"]["mean"], conv_raw_fid=r["fid"]["mean"])
        # seed by seed: where the moving average draws worse than G itself
        pairs = [(last_card(a), last_card(b), a["seed"]) for a in runs for b in raw if b["seed"] == a["seed"]]
        out.update(conv_average_fid_lower_seeds=sum(a["fid"] < b["fid"] for a, b, _ in pairs),
                   conv_average_pairs=len(pairs),
                   conv_average_is_lower_seeds=", ".join(str(s) for a, b, s in pairs
                                                         if a["inception_score"] < b["inception_score"]) or "–")
    longer = grid.group_runs(data, "longer")
    if longer:
        out.update(longer_numbers(curve(longer[0]), out["conv_epochs"]))
    out.update(ingredient_numbers(data))
    out.update(wider_numbers(data))
    out.update(conditional_numbers(data))
    return out


def run_numbers(key: str, runs: list[dict], data: dict) -> dict:
    """Numbers of a row of runs (keys ``<key>_*``): the seeds, each goal reached or not, the goals
    reached (of how many; all of them), IS (mean), FID (mean and worst), the rarest digit's share and KL (worst), and the least
    and most training CPU time when every run has it."""
    cards, checks = [last_card(r) for r in runs], goal_checks(runs, _noisy_fid(data), _real_memorised(data))
    out = {f"{key}_seeds_n": len(runs), f"{key}_goals_reached": sum(v for k, v in checks.items() if k != "all"),
           f"{key}_goals_n": len(checks) - 1, f"{key}_goal_all": checks["all"],
           f"{key}_is": statistics.fmean(c["inception_score"] for c in cards),
           f"{key}_fid": statistics.fmean(c["fid"] for c in cards),
           f"{key}_fid_max": max(c["fid"] for c in cards), f"{key}_min_share": min(c["min_share"] for c in cards),
           f"{key}_kl_max": max(c["kl_uniform"] for c in cards)}
    out.update({f"{key}_goal_{k}": v for k, v in checks.items() if k != "all"})
    cpus = [r.get("cpu_seconds") for r in runs]
    if None not in cpus:
        out.update({f"{key}_cpu_min_s": min(cpus), f"{key}_cpu_max_s": max(cpus)})
    return out


def ingredient_numbers(data: dict) -> dict:
    """Per row of the ingredient-removal table (``conv_no_sn_*``: the arm's name with underscores;
    ``conv_no_average_*``: listing 11's runs scored on G itself), on the seeds every arm finished: its
    ``run_numbers``, and the least training CPU time of any arm; none while the group has no finished run."""
    out, least = {}, []
    if not _common_seeds(data):
        return out
    for _, key, runs in _ingredient_rows(data)[1:]:  # listing 11's own numbers are conv_* (chapter_numbers)
        if not runs:
            continue
        out.update(run_numbers(key, runs, data))
        if f"{key}_cpu_min_s" in out and key != "conv_no_average":  # not listing 11's own runs
            least.append(out[f"{key}_cpu_min_s"])
    if least:  # the cheapest training of any ingredient-removal arm
        out["conv_ingredients_cpu_min_s"] = min(least)
    return out


def write_outputs(data: dict, results_dir, table_dir) -> list:
    """The two tables and the numbers the chapter quotes, all from conv_gan.json."""
    written = grid.write_tables(data, {TABLE_FILE: (results_table, "seeds"), GOAL_FILE: (goal_table, "seeds"),
                                       INGREDIENTS_FILE: (ingredients_table, "ingredients"),
                                       LONGER_FILE: (longer_table, "seeds"),
                                       CONDITIONAL_FILE: (conditional_table, "conditional")}, table_dir)
    if grid.group_runs(data, "seeds"):
        record_metrics(folder=results_dir, **chapter_numbers(data))
        written.append(results_dir / "chapter_metrics.json")
    return written


def read_results(results_dir=None) -> dict:
    results_dir = results_dir or gankit.results_dir()
    return read_json(results_dir / f"{NAME}.json", producer=f"python -m experiments.{NAME}")


# ------------------------------------------------------------------ figures 2-72, 2-73, 2-74
def plain_log_axis(ax) -> None:
    """A log y-axis labelled with plain numbers (20, 50, 100), not powers of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def save_figures(data: dict, args) -> None:
    """2-72: 32 samples and the digit shares of every seed; 2-73: IS and FID against training CPU time."""
    import matplotlib.pyplot as plt

    from gankit.figures import WIDTH, share_bars

    runs = grid.group_runs(data, "seeds")
    if not runs:
        return
    out = grid.figures_folder(args)
    missing = [r["run"] for r in runs if not gankit.Checkpoints(r["run"], args.checkpoints).path(r["epochs"]).is_file()]
    if missing:
        print(f"figure 2-72: skipped, no checkpoint of {', '.join(missing)} in {args.checkpoints}; "
              "make conv-gan trains them")
    else:
        fig, axes = plt.subplots(2, len(runs), figsize=(WIDTH, 0.66 * WIDTH), squeeze=False,
                                 gridspec_kw={"height_ratios": [1.0, 1.25]})
        for col, r in enumerate(runs):
            G = L11.ConvGenerator()
            gankit.Checkpoints(r["run"], args.checkpoints).load(r["epochs"], {"G": G}, restore_rng=False)
            with torch.no_grad(), torch.random.fork_rng(devices=[]):
                torch.manual_seed(0)  # the noise of listing 11's figure
                images = G.average(generate_normal_noise((32, NOISE_SIZE)))
            mosaic = images.view(4, 8, 28, 28).permute(0, 2, 1, 3).reshape(4 * 28, 8 * 28)
            axes[0, col].imshow(mosaic, cmap="Blues", vmin=0, vmax=1, interpolation="none")
            axes[0, col].axis("off")
            axes[0, col].set_title(f"随机数种子 {r['seed']}，{r['epochs']} 个轮次")
            card, ax = last_card(r), axes[1, col]
            share_bars(ax, card["shares"], ylim=20, goal=GOAL["min_share"])
            ax.set_yticks(range(0, 21, 5))
            ax.set_title(f"KL {card['kl_uniform']:.3f}，最少的数字 {100 * card['min_share']:.1f}%")
            if col:
                ax.tick_params(labelleft=False)
        axes[1, 0].set_ylabel(f"{data['settings']['samples']:,} 个样本中的占比（%）")
        axes[1, 0].legend(loc="upper right")
        fig.tight_layout(pad=0.3)
        gankit.save_figure("2-72", out, fig)

    fig, (left, right) = plt.subplots(1, 2, figsize=(WIDTH, 0.5 * WIDTH))
    models = (("代码清单 11", "seeds", "longer", "tab:blue"),
              (WIDE.label_zh, "wider", "wider-longer", "tab:orange"),
              (CONDITIONAL_SHORT, "conditional", "", "tab:purple"))  # "": no longer run
    for name, seeds, longer, colour in models:  # one colour per model; each seed a line, the longer run dotted
        lines = [(f"{name}（{len(grid.group_runs(data, seeds))} 个随机数种子）", r, "-")
                 for r in grid.group_runs(data, seeds)]
        lines += [(f"{name}，随机数种子 {r['seed']} 继续训练", r, ":") for r in grid.group_runs(data, longer)]
        for label, run, style in lines:
            points = [p for p in curve(run) if p["cpu_seconds"] is not None]
            minutes = [p["cpu_seconds"] / 60 for p in points]
            for ax, key in ((left, "inception_score"), (right, "fid")):
                ax.plot(minutes, [p[key] for p in points], style, color=colour, marker=".", linewidth=1, label=label)
    anchors = data.get("anchors", {})
    left.axhline(GOAL["inception_score"], color="tab:green", linestyle="--", linewidth=1,
                 label=f"目标：IS {GOAL['inception_score']}")
    if "real" in anchors:
        left.axhline(anchors["real"]["inception_score"], color="gray", linestyle=":", linewidth=1,
                     label="真实测试图像")
    if "noisy" in anchors:
        right.axhline(anchors["noisy"]["fid"], color="tab:green", linestyle="-.", linewidth=1,
                      label="目标：低于加噪真实图像")
    for ax, title in ((left, "分类器 IS（越高越好）"), (right, "FID（越低越好）")):
        ax.axvline(GOAL["cpu_seconds"] / 60, color="tab:red", linewidth=1,
                   label=f"预算：{GOAL['cpu_seconds'] / 60:.0f} CPU 分钟" if ax is left else None)
        ax.set_xlabel("训练的 CPU 时间（分钟，单线程）")
        ax.set_title(title)
        ax.grid(True, alpha=0.4)
    plain_log_axis(right)
    low = right.get_ylim()[0]  # down to a labelled tick (50, 20, 10, ...) below the lowest FID
    right.set_ylim(bottom=max([t for t in (5, 10, 20, 50) if t <= low], default=low))
    handles, labels = [], []
    for ax in (left, right):  # one legend below both panels: each line once
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    fig.legend(handles, labels, loc="lower center", ncols=2, frameon=False)
    fig.tight_layout(pad=0.3, rect=(0, 0.02 + 0.075 * math.ceil(len(labels) / 2), 1, 1))
    gankit.save_figure("2-73", out, fig)
    plt.close("all")
    save_conditional_figure(data, args, out)


COLUMNS = 12  # figure 2-74: samples per digit, one noise per column


def save_conditional_figure(data: dict, args, out) -> None:
    """2-74: the conditional G of seed 0 at the last epoch within the budget: one row per digit asked
    for, one column per noise (the same 100 values down a column)."""
    import matplotlib.pyplot as plt

    from gankit.figures import WIDTH

    runs = grid.group_runs(data, "conditional")
    epoch = budget_epoch(runs) if runs else None
    if epoch is None:
        return
    run = runs[0]
    ckpt = gankit.Checkpoints(run["run"], args.checkpoints)
    if not ckpt.path(epoch).is_file():
        print(f"figure 2-74: skipped, no checkpoint of {run['run']} in {args.checkpoints}; make conv-gan trains it")
        return
    G = ConditionalGenerator()
    ckpt.load(epoch, {"G": G}, restore_rng=False)
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        noise = torch.randn(COLUMNS, NOISE_SIZE).repeat(DIGITS, 1)  # row after row, the same 12 noises
        digits = torch.arange(DIGITS).repeat_interleave(COLUMNS)
        images = G.average(torch.cat([noise, one_hot(digits)], 1))
    mosaic = images.view(DIGITS, COLUMNS, 28, 28).permute(0, 2, 1, 3).reshape(DIGITS * 28, COLUMNS * 28)
    fig, ax = plt.subplots(figsize=(0.75 * WIDTH, 0.68 * WIDTH))
    ax.imshow(mosaic, cmap="Blues", vmin=0, vmax=1, interpolation="none")
    ax.set_yticks([28 * d + 13.5 for d in range(DIGITS)], [str(d) for d in range(DIGITS)])
    ax.set_xticks([28 * c + 13.5 for c in range(COLUMNS)], [str(c + 1) for c in range(COLUMNS)])
    ax.tick_params(length=0)
    ax.set_ylabel("要求画的数字")
    ax.set_xlabel("噪声（每列相同）")
    for side in ax.spines.values():
        side.set_visible(False)
    fig.tight_layout(pad=0.3)
    gankit.save_figure("2-74", out, fig)
    plt.close(fig)


def main(argv=None) -> int:
    return grid.main(EXPERIMENT, write_outputs, argv, finish=save_figures, description=(
        "Listing 11's convolutional GAN: 随机数种子, training CPU time and score cards (section 9)."))


if __name__ == "__main__":
    sys.exit(main())
