"""Section 9: listing 11's convolutional GAN, three seeds, timed and scored (``results/conv_gan.json``).

Each seed trains listing 11's ``ConvDiscriminator`` and ``ConvGenerator`` with
listing 10's ``train_gan_batches`` (the three steps of listing 08 on mini-batches)
for ``EPOCHS`` epochs, in a process with one torch thread; ``time.process_time``
of that process, training only, is the CPU time the chapter's budget
(``GOAL['cpu_seconds']``) is checked against. The runs use the listing's own
checkpoint names (``conv-gan-idx60000-seed0-cpu``), so listing 11 and its notebook
load what this experiment trained, and an interrupted run resumes.

After training, the generator's moving average (what listing 11 draws with) is
scored with the project's score card (``gankit.evaluate``, 5,000 samples) after
every epoch: the last epoch gives the table, all of them the curve of IS and FID
against CPU time. Scoring is timed separately and is not part of the budget.
``--extended EPOCHS`` trains seed 0 on beyond the budget (the same run, resumed),
to measure how much CPU time the IS goal needs when the budget is not enough.

Command line (``make conv-gan``)::

    PYTHONPATH=codes python -m experiments.conv_gan [--data ../shared/data] [--workers 1]
    PYTHONPATH=codes python -m experiments.conv_gan --extended 30    # plus seed 0 to 30 epochs
    PYTHONPATH=codes python -m experiments.conv_gan --quick          # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m experiments.conv_gan --tables         # only tables and figures, from the JSON

Results: ``RESULTS_DIR/conv_gan.json``, ``RESULTS_DIR/tables/conv_gan.md`` (the
score cards over seeds), ``RESULTS_DIR/tables/conv_gan_goal.md`` (which goal items
were reached), figures 2-71 (samples and digit shares of every seed) and 2-72
(IS and FID against CPU time). Figure 2-70 is listing 11's own output.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from types import SimpleNamespace

import torch

import gankit
from gankit import paths
from gankit.data import DATA_ENV

import chapter_2_3_2_11 as L11
from chapter_2_3_2_02 import MnistDataset

RESULTS_FILE = "conv_gan.json"
TABLE_FILE = "conv_gan.md"
GOAL_FILE = "conv_gan_goal.md"
RUN_PREFIX = "conv-gan"  # listing 11's checkpoint name
SEED_SIZE = 100

# The goal of the chapter's last section (3 seeds, 5,000 samples each).
GOAL = {"min_share": 0.05,  # every digit at least 5% of the samples, in every seed
        "kl_uniform": 0.05,  # KL(digit shares || uniform), in every seed
        "inception_score": 8.5,  # classifier IS, mean over seeds (real test images: about 9.8)
        "memorised_share": 0.01,  # samples that copy a training image, in every seed
        "cpu_seconds": 600.0}  # training CPU time per run, one thread, in every seed

FULL = {"seeds": [0, 1, 2], "epochs": L11.EPOCHS, "limit": None, "samples": 5000}
QUICK = {"seeds": [0], "epochs": 1, "limit": 128, "samples": 200, "data": "builtin"}
CURVE_KEYS = ["inception_score", "fid", "kl_uniform", "min_share", "memorised_share", "recall", "coverage"]


# ------------------------------------------------------------------ one seed
def _cpu_log(folder: Path) -> Path:
    return folder / "cpu_seconds.json"


def train_seed(seed: int, data, limit, epochs: int, checkpoints, retrain=False, log=print) -> dict:
    """Train (or load, or resume) listing 11 with one seed on the CPU; return the run's facts."""
    torch.set_num_threads(1)
    gankit.use_device("cpu")  # the budget is CPU time
    gankit.set_seed(seed)  # the order of listing 11's main: seed, data, D, G
    dataset = MnistDataset(data, limit)
    D, G = L11.ConvDiscriminator(), L11.ConvGenerator()
    run = gankit.run_name(RUN_PREFIX, SimpleNamespace(device=torch.device("cpu"), seed=seed), dataset)
    ckpt = gankit.Checkpoints(run, checkpoints)
    if retrain:
        ckpt.clear()
    cpu_file = _cpu_log(ckpt.folder)
    cpu = json.loads(cpu_file.read_text()) if cpu_file.is_file() else {}

    def one_epoch(epoch):
        start = time.process_time()
        L11.train_gan_batches(D, G, dataset, L11.BATCH_SIZE)
        cpu[str(epoch)] = round(time.process_time() - start, 2)
        ckpt.folder.mkdir(parents=True, exist_ok=True)
        cpu_file.write_text(json.dumps(cpu, indent=1) + "\n")

    wall = time.perf_counter()
    gankit.train_epochs(run, {"D": D, "G": G}, one_epoch, epochs, False, checkpoints, log=log)
    per_epoch = [cpu.get(str(e)) for e in range(1, epochs + 1)]
    return {"seed": seed, "run": run, "epochs": epochs, "images": len(dataset),
            "generator_updates": G.counter, "cpu_seconds_per_epoch": per_epoch,
            "cpu_seconds": sum(per_epoch) if None not in per_epoch else None,
            "wall_seconds_this_call": round(time.perf_counter() - wall, 1)}


def load_generator(run: str, epoch: int, checkpoints) -> L11.ConvGenerator:
    """Listing 11's generator with the weights of checkpoint ``run``/``epoch``."""
    G = L11.ConvGenerator()
    gankit.Checkpoints(run, checkpoints).load(epoch, {"G": G}, restore_rng=False)
    return G


def score_run(info: dict, data, samples: int, sample_seed: int, checkpoints, epochs=None) -> dict:
    """Score cards of the moving-average generator after each epoch (the curve) and at the end."""
    from gankit.evaluate import build_reference, score_generator

    torch.set_num_threads(1)
    ref = build_reference(data, log=lambda *a: None)
    start = time.process_time()
    curve, cpu = [], 0.0
    for epoch in range(1, info["epochs"] + 1):
        cpu += info["cpu_seconds_per_epoch"][epoch - 1] or 0.0
        if epochs is not None and epoch not in epochs and epoch != info["epochs"]:
            continue
        G = load_generator(info["run"], epoch, checkpoints)
        card = score_generator(G.average, L11.generate_random_seed, SEED_SIZE, n=samples, seed=sample_seed,
                               reference=ref)
        card["min_share"] = min(card["shares"])
        curve.append({"epoch": epoch, "cpu_seconds": round(cpu, 1), **{k: card[k] for k in CURVE_KEYS}})
    G = load_generator(info["run"], info["epochs"], checkpoints)
    raw = score_generator(G, L11.generate_random_seed, SEED_SIZE, n=samples, seed=sample_seed, reference=ref)
    raw["min_share"] = min(raw["shares"])
    return {"card": card, "card_without_average": raw, "curve": curve,
            "score_cpu_seconds": round(time.process_time() - start, 1)}


def run_job(job: dict) -> dict:
    """Train one seed, then score it. Runs in a worker process with one thread."""
    tag = f"[seed {job['seed']}]"
    info = train_seed(job["seed"], job["data"], job["limit"], job["epochs"], job["checkpoints"],
                      job["retrain"], log=lambda m: print(f"{tag} {m}", flush=True))
    info.update(score_run(info, job["data"], job["samples"], job["sample_seed"], job["checkpoints"],
                          job.get("curve_epochs")))
    c = info["card"]
    print(f"{tag} {info['epochs']} epochs, {info['cpu_seconds']:.0f} s CPU: min share {c['min_share']:.3f}, "
          f"KL {c['kl_uniform']:.3f}, IS {c['inception_score']:.2f}, FID {c['fid']:.1f}, "
          f"memorised {c['memorised_share']:.3f} (scoring {info['score_cpu_seconds']:.0f} s CPU)", flush=True)
    return info


def run_anchors(job: dict) -> dict:
    from gankit.evaluate import build_reference, score_anchors

    torch.set_num_threads(1)
    start = time.process_time()
    ref = build_reference(job["data"], log=lambda *a: None)
    anchors = score_anchors(n=job["samples"], seed=job["sample_seed"], reference=ref)
    for card in anchors.values():
        card["min_share"] = min(card["shares"])
    info = {k: v for k, v in ref.classifier.info.items() if k not in ("checkpoint", "loaded")}
    return {"anchors": anchors, "reference": ref.settings, "classifier": info,
            "anchors_cpu_seconds": round(time.process_time() - start, 1)}


# ------------------------------------------------------------------ summaries
METRICS = ["min_share", "kl_uniform", "inception_score", "mean_top_confidence", "fid", "precision", "recall",
           "coverage", "memorised_share"]


def summarise(runs: list[dict]) -> dict:
    """mean, sd (n - 1), min and max over seeds of each metric and of the CPU time."""
    out = {"n": len(runs)}
    values = {m: [r["card"][m] for r in runs] for m in METRICS}
    values["cpu_seconds"] = [r["cpu_seconds"] for r in runs if r.get("cpu_seconds") is not None]
    for m, v in values.items():
        if v:
            out[m] = {"mean": statistics.fmean(v), "sd": statistics.stdev(v) if len(v) > 1 else 0.0,
                      "min": min(v), "max": max(v)}
    return out


def goal_checks(summary: dict, noisy_fid: float | None) -> dict:
    """Each goal item: reached or not (every seed, except IS: the mean over seeds)."""
    s = summary
    checks = {
        "every_digit_5pct": s["min_share"]["min"] >= GOAL["min_share"],
        "kl": s["kl_uniform"]["max"] <= GOAL["kl_uniform"],
        "fid_below_noisy": noisy_fid is not None and s["fid"]["max"] < noisy_fid,
        "inception_score": s["inception_score"]["mean"] >= GOAL["inception_score"],
        "no_memorisation": s["memorised_share"]["max"] <= GOAL["memorised_share"],
        "cpu_budget": "cpu_seconds" in s and s["cpu_seconds"]["max"] <= GOAL["cpu_seconds"],
    }
    checks["all"] = all(checks.values())
    return checks


def first_reaching(curve: list[dict], key: str, target: float) -> dict | None:
    """The first point of a curve whose ``key`` reaches ``target`` (IS: at least; others: at most)."""
    for point in curve:
        if (point[key] >= target) if key == "inception_score" else (point[key] <= target):
            return point
    return None


def analyse(data: dict) -> dict:
    runs = data.get("runs", [])
    if runs:
        data["summary"] = summarise(runs)
        data["goal"] = goal_checks(data["summary"], data.get("anchors", {}).get("noisy", {}).get("fid"))
    ext = data.get("extended")
    if ext:
        ext["is_goal_reached_at"] = first_reaching(ext["curve"], "inception_score", GOAL["inception_score"])
    return data


def write_results(data: dict, path: Path) -> Path:
    from gankit.evaluate import _rounded

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(_rounded(data), indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def read_results(path=None) -> dict:
    path = Path(path or paths.RESULTS_DIR / RESULTS_FILE)
    return json.loads(path.read_text()) if path.is_file() else {}


# ------------------------------------------------------------------ tables
COLUMNS = [("最少数字占比", "min_share", 3), ("KL", "kl_uniform", 3), ("IS", "inception_score", 2),
           ("FID", "fid", 1), ("recall", "recall", 3), ("coverage", "coverage", 3), ("记忆", "memorised_share", 3)]
ANCHOR_LABELS_ZH = {"real": "锚点：真实测试图像", "noisy": "锚点：真实图像 + 高斯噪声 σ=0.2",
                    "blurred": "锚点：模糊的真实图像", "single_digit": "锚点：只有数字 1 的真实图像"}


def _row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _mean_sd(summary: dict, key: str, digits: int) -> str:
    v = summary[key]
    return f"{v['mean']:.{digits}f} ± {v['sd']:.{digits}f}"


def results_table(data: dict) -> str:
    """The score card of every seed, their mean ± sd, and the anchors."""
    analyse(data)
    s = data["settings"]
    header = ["", "随机数种子", "训练 CPU 时间（秒）"] + [h for h, _, _ in COLUMNS]
    lines = [_row(header), _row([":---", "---:"] + ["---:"] * (len(header) - 2))]
    for r in data["runs"]:
        cpu = "–" if r.get("cpu_seconds") is None else f"{r['cpu_seconds']:.0f}"
        lines.append(_row([f"卷积 GAN，{r['epochs']} 轮", r["seed"], cpu]
                          + [f"{r['card'][k]:.{d}f}" for _, k, d in COLUMNS]))
    seeds = ", ".join(str(r["seed"]) for r in data["runs"])
    if len(data["runs"]) > 1:
        sm = data["summary"]
        cpu = _mean_sd(sm, "cpu_seconds", 0) if "cpu_seconds" in sm else "–"
        lines.append(_row(["**均值 ± 标准差**", seeds, cpu] + [_mean_sd(sm, k, d) for _, k, d in COLUMNS]))
    raw = [r["card_without_average"] for r in data["runs"] if "card_without_average" in r]
    if len(raw) == len(data["runs"]):
        sr = summarise([{"card": c} for c in raw])
        cells = [_mean_sd(sr, k, d) if len(raw) > 1 else f"{raw[0][k]:.{d}f}" for _, k, d in COLUMNS]
        lines.append(_row(["同样的训练，不用滑动平均", seeds, "（同上）"] + cells))
    for name in ("real", "noisy", "blurred"):
        card = data.get("anchors", {}).get(name)
        if card:
            lines.append(_row([ANCHOR_LABELS_ZH[name], "", ""] + [f"{card[k]:.{d}f}" for _, k, d in COLUMNS]))
    ext = data.get("extended")
    note = (f"数据：MNIST 训练集的 {s['train_images_used']:,} 张图像；每个种子训练 {s['epochs']} 个轮次"
            f"（小批量 {s['batch_size']} 张），单线程进程，CPU 时间只计训练（`time.process_time`），"
            "不含打分。打分用权重滑动平均后的生成器 `G.average`（“不用滑动平均”一行是同一次训练的生成器 `G` 本身），"
            f"每次 {s['samples']:,} 个样本"
            f"（噪声的随机数种子 {s['sample_seed']}）；锚点用同一份打分程序、同样多的图像评分。"
            "“最少数字占比”是 10 个数字中最少的那个所占的比例。")
    if not s.get("complete", True):
        note += f"**运行尚未完成**：表中只有已完成的 {len(data['runs'])} 个种子。"
    return "\n".join(lines + ["", note]) + "\n"


def _yes(ok: bool) -> str:
    return "✓ 达到" if ok else "✗ 未达到"


def goal_table(data: dict) -> str:
    """Each goal item, what was measured, and whether it was reached; then the longer run, if any."""
    analyse(data)
    sm, g = data["summary"], data["goal"]
    noisy = data.get("anchors", {}).get("noisy", {}).get("fid")
    n = sm["n"]
    rows = [
        ["每个数字至少占 5%（每个种子）", f"≥ {GOAL['min_share']:.3f}", f"最少 {sm['min_share']['min']:.3f}",
         _yes(g["every_digit_5pct"])],
        ["数字分布的 KL（每个种子）", f"≤ {GOAL['kl_uniform']:.2f}", f"最大 {sm['kl_uniform']['max']:.3f}", _yes(g["kl"])],
        ["FID 低于加噪真实图像锚点（每个种子）", "< " + ("–" if noisy is None else f"{noisy:.1f}"),
         f"最大 {sm['fid']['max']:.1f}", _yes(g["fid_below_noisy"])],
        [f"IS（{n} 个种子的均值）", f"≥ {GOAL['inception_score']:.1f}",
         f"{sm['inception_score']['mean']:.2f}（最小 {sm['inception_score']['min']:.2f}）", _yes(g["inception_score"])],
        ["记忆的样本比例（每个种子）", f"≤ {GOAL['memorised_share']:.2f}", f"最大 {sm['memorised_share']['max']:.3f}",
         _yes(g["no_memorisation"])],
        ["训练的 CPU 时间（单线程，每个种子）", f"≤ {GOAL['cpu_seconds']:.0f} 秒",
         "–" if "cpu_seconds" not in sm else f"最多 {sm['cpu_seconds']['max']:.0f} 秒", _yes(g["cpu_budget"])],
    ]
    lines = [_row(["目标", "要求", "实测", "结果"]), _row([":---", "---:", "---:", ":---"])] + [_row(r) for r in rows]
    reached = sum(v for k, v in g.items() if k != "all")
    lines += ["", f"{len(rows)} 项目标达到了 {reached} 项。"]
    ext = data.get("extended")
    if ext:
        hit = ext.get("is_goal_reached_at")
        last = ext["curve"][-1]
        if hit:
            lines[-1] += (f"加长训练（随机数种子 {ext['seed']}）的 IS 在第 {hit['epoch']} 轮、累计 CPU 时间"
                          f" {hit['cpu_seconds']:.0f} 秒时首次达到 {GOAL['inception_score']}"
                          f"（{hit['inception_score']:.2f}）。")
        else:
            lines[-1] += (f"加长训练（随机数种子 {ext['seed']}）到第 {last['epoch']} 轮、累计 CPU 时间"
                          f" {last['cpu_seconds']:.0f} 秒，IS 为 {last['inception_score']:.2f}，仍未达到"
                          f" {GOAL['inception_score']}。")
    return "\n".join(lines) + "\n"


def write_tables(data: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in ((TABLE_FILE, results_table(data)), (GOAL_FILE, goal_table(data))):
        target = folder / name
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text)
        os.replace(tmp, target)
        out.append(target)
    return out


# ------------------------------------------------------------------ figures
def save_figures(data: dict, out: Path, checkpoints) -> list[str]:
    """2-71: 32 samples and the digit shares of every seed; 2-72: IS and FID against CPU time."""
    import matplotlib.pyplot as plt

    runs = data["runs"]
    fig, axes = plt.subplots(2, len(runs), figsize=(3.6 * len(runs), 6.4), squeeze=False,
                             gridspec_kw={"height_ratios": [1.15, 1]})
    for col, r in enumerate(runs):
        G = load_generator(r["run"], r["epochs"], checkpoints)
        with torch.no_grad(), torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)  # the same noise as listing 11's figure
            images = G.average(L11.generate_random_seed((32, SEED_SIZE)))
        mosaic = images.view(4, 8, 28, 28).permute(0, 2, 1, 3).reshape(4 * 28, 8 * 28)
        axes[0, col].imshow(mosaic, cmap="Blues", vmin=0, vmax=1, interpolation="none")
        axes[0, col].axis("off")
        axes[0, col].set_title(f"seed {r['seed']}, {r['epochs']} epochs", fontsize=10)
        ax = axes[1, col]
        ax.bar(range(10), [100 * v for v in r["card"]["shares"]], color="tab:blue")
        ax.axhline(10, color="tab:red", linestyle="--", linewidth=1, label="uniform 10%")
        ax.axhline(100 * GOAL["min_share"], color="tab:green", linestyle=":", linewidth=1, label="goal: 5%")
        ax.set_xticks(range(10))
        ax.set_xlabel("digit (classifier)")
        ax.set_ylim(0, 20)
        ax.set_title(f"KL {r['card']['kl_uniform']:.3f}, smallest {100 * r['card']['min_share']:.1f}%", fontsize=9)
    axes[1, 0].set_ylabel("share of 5,000 samples (%)")
    axes[1, 0].legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    gankit.save_figure("2-71", out, fig)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    curves = [(f"seed {r['seed']}", r["curve"], "-") for r in runs]
    if data.get("extended"):
        curves.append((f"seed {data['extended']['seed']}, longer run", data["extended"]["curve"], ":"))
    for label, curve, style in curves:
        cpu = [p["cpu_seconds"] / 60 for p in curve]
        left.plot(cpu, [p["inception_score"] for p in curve], style, marker=".", label=label)
        right.plot(cpu, [p["fid"] for p in curve], style, marker=".", label=label)
    anchors = data.get("anchors", {})
    left.axhline(GOAL["inception_score"], color="tab:green", linestyle="--", linewidth=1, label="goal: IS 8.5")
    if "real" in anchors:
        left.axhline(anchors["real"]["inception_score"], color="gray", linestyle=":", linewidth=1,
                     label="real test images")
    if "noisy" in anchors:
        right.axhline(anchors["noisy"]["fid"], color="tab:green", linestyle="--", linewidth=1,
                      label="goal: below real + noise")
    for ax, name in ((left, "classifier IS (higher is better)"), (right, "FID (lower is better)")):
        ax.axvline(GOAL["cpu_seconds"] / 60, color="tab:red", linewidth=1, label="budget: 10 CPU minutes")
        ax.set_xlabel("training CPU time (minutes, one thread)")
        ax.set_title(name, fontsize=10)
        ax.grid(True, alpha=0.4)
        ax.legend(fontsize=7)
    right.set_yscale("log")
    fig.tight_layout()
    gankit.save_figure("2-72", out, fig)
    plt.close("all")
    return ["2-71", "2-72"]


def record_metrics(data: dict) -> None:
    """The few numbers the chapter's text quotes, into results/chapter_metrics.json."""
    sm = data["summary"]
    values = {"conv_cpu_max": round(sm["cpu_seconds"]["max"]) if "cpu_seconds" in sm else None,
              "conv_cpu_mean": round(sm["cpu_seconds"]["mean"]) if "cpu_seconds" in sm else None,
              "conv_epochs": data["settings"]["epochs"], "conv_is_mean": sm["inception_score"]["mean"],
              "conv_fid_mean": sm["fid"]["mean"], "conv_min_share": sm["min_share"]["min"],
              "conv_kl_max": sm["kl_uniform"]["max"],
              "conv_seeds": ", ".join(str(r["seed"]) for r in data["runs"])}
    gankit.record_metrics(**{k: v for k, v in values.items() if v is not None})


# ------------------------------------------------------------------ command line
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Listing 11's convolutional GAN: three seeds, CPU time and score cards (section 9).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"CI size: built-in data, {QUICK['limit']} images, {QUICK['epochs']} epoch, "
                             f"{QUICK['samples']} samples; results under _build/quick/results")
    parser.add_argument("--tables", action="store_true", help="only write the tables and figures from the results file")
    parser.add_argument("--data", default=None, help=f"MNIST source (${DATA_ENV}; default auto)")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    parser.add_argument("--seeds", type=int, nargs="+", help="seeds (default 0 1 2)")
    parser.add_argument("--epochs", type=int, help=f"epochs per seed (default {FULL['epochs']}, listing 11's)")
    parser.add_argument("--extended", type=int, default=None,
                        help="also train seed 0 on to this many epochs, scored every 2 epochs (how much CPU time "
                             "the IS goal needs)")
    parser.add_argument("-n", "--samples", type=int, help="samples per score card (default 5000)")
    parser.add_argument("--sample-seed", type=int, default=0, help="seed of the noise drawn for scoring")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="parallel processes, one thread each (at most one per seed and per CPU core)")
    parser.add_argument("--retrain", action="store_true", help="train every seed again from scratch")
    parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR), help="checkpoint folder")
    parser.add_argument("--results", default=None, help="results folder (default RESULTS_DIR)")
    parser.add_argument("--out", default=None, help="figure folder (default FIGURE_DIR)")
    args = parser.parse_args(argv)

    quick = args.quick or paths.QUICK
    base = paths.PROJECT_ROOT / "_build" / "quick"
    results_dir = Path(args.results) if args.results else (base / "results" if quick else paths.RESULTS_DIR)
    out_dir = Path(args.out) if args.out else (base / "_static" / "2" / "2.3" if quick else paths.FIGURE_DIR)
    out = results_dir / RESULTS_FILE

    def finish(data):
        analyse(data)
        write_results(data, out)
        print(f"results: wrote {paths.relative(out)}", flush=True)
        if data.get("runs") and data.get("anchors"):
            for t in write_tables(read_results(out), results_dir / "tables"):  # as a later --tables would
                print(f"table: wrote {paths.relative(t)}", flush=True)

    if args.tables:
        data = read_results(out)
        if not data.get("runs"):
            print(f"error: {out} has no runs yet; run python -m experiments.conv_gan first", file=sys.stderr)
            return 1
        finish(data)
        save_figures(data, out_dir, args.checkpoints)
        return 0

    budget = dict(QUICK if quick else FULL)
    for name in ("seeds", "epochs", "limit", "samples"):
        if getattr(args, name) is not None:
            budget[name] = getattr(args, name)
    data_source = args.data or budget.get("data") or os.environ.get(DATA_ENV) or "auto"
    workers = max(1, min(args.workers, os.cpu_count() or 1, len(budget["seeds"])))
    train = gankit.load_mnist(data_source, "train", quiet=True)
    used = len(train) if budget["limit"] is None else min(budget["limit"], len(train))
    from gankit.classifier import data_key, load_classifier

    load_classifier(data_source)  # trained once here if missing, not in every worker
    D, G = L11.ConvDiscriminator(), L11.ConvGenerator()
    data = {"settings": {
        "data": train.source, "data_key": data_key(train), "train_images_used": used, "epochs": budget["epochs"],
        "batch_size": L11.BATCH_SIZE, "d_learning_rate": L11.D_LEARNING_RATE, "g_learning_rate": L11.G_LEARNING_RATE,
        "betas": list(L11.BETAS), "ema_decay": L11.EMA_DECAY, "seeds": budget["seeds"], "samples": budget["samples"],
        "sample_seed": args.sample_seed, "workers": workers, "threads_per_worker": 1, "cpu_count": os.cpu_count(),
        "quick": quick, "torch": torch.__version__, "goal": GOAL, "complete": False,
        "D": " > ".join(type(m).__name__ for m in D.model), "G": " > ".join(type(m).__name__ for m in G.model),
        "D_parameters": sum(p.numel() for p in D.parameters()),
        "G_parameters": sum(p.numel() for p in G.model.parameters())},
        "runs": []}
    print(f"conv GAN: {train.describe(used)} | seeds {budget['seeds']} | {budget['epochs']} epochs | "
          f"{budget['samples']} samples per card | {workers} processes, 1 thread each", flush=True)
    job = {"data": data_source, "limit": budget["limit"], "samples": budget["samples"],
           "sample_seed": args.sample_seed, "checkpoints": args.checkpoints, "retrain": args.retrain}
    os.environ.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", TQDM_DISABLE="1")
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        anchors = pool.submit(run_anchors, job)
        futures = [pool.submit(run_job, dict(job, seed=s, epochs=budget["epochs"])) for s in budget["seeds"]]
        data.update(anchors.result())
        for f in as_completed(futures):
            data["runs"] = sorted(data["runs"] + [f.result()], key=lambda r: r["seed"])
            data["wall_seconds"] = round(time.perf_counter() - start, 1)
            finish(data)
        if args.extended:
            every = [e for e in range(2, args.extended + 1, 2)]
            ext = pool.submit(run_job, dict(job, seed=budget["seeds"][0], epochs=args.extended, retrain=False,
                                            curve_epochs=every)).result()
            data["extended"] = ext
    data["settings"]["complete"] = True
    data["wall_seconds"] = round(time.perf_counter() - start, 1)
    finish(data)
    if not quick:
        record_metrics(data)
    for name in save_figures(data, out_dir, args.checkpoints):
        print(f"figure: {name}")
    print(f"goal: {data['goal']} | total {data['wall_seconds'] / 60:.1f} min wall", flush=True)
    return 0


if __name__ == "__main__":
    from experiments.conv_gan import main as _main  # the pool's workers import this module by its name

    sys.exit(_main())
