"""Mode hopping: which digit the first GAN draws after each epoch, for several 随机数种子.

The first GAN (listings 03, 06, 08) has collapsed after one epoch, and the
digit it draws changes from one epoch to the next. For each seed this loads
(or trains, or resumes) the run of listing 08 that the ablation's seeds group
trains too (the same run name, so the same checkpoints), takes the generator
after every epoch, draws samples with the score card's noise
(``gankit.scorecard.sample_generator``, sample seed 0) and lets the digit
classifier tell which digit each sample is.

Command line (``make hopping``)::

    PYTHONPATH=codes python -m experiments.hopping [--data DATA]  # seeds 0-4, 10 epochs
    PYTHONPATH=codes python -m experiments.hopping --quick    # built-in data, tiny budget (CI)
    PYTHONPATH=codes python -m experiments.hopping --tables   # only the figure and the metrics

Results: ``results/hopping.json`` (the digit shares of every seed after every
epoch), figure 2-71, ``mode-hopping`` (the digit each seed draws, epoch by epoch) and the counts
the chapter quotes, recorded in ``results/chapter_metrics.json``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

import gankit
from gankit import paths, settings
from gankit.cli import CLEAR_ERRORS, positive_int, seed_value
from gankit.data import source_description
from gankit.metrics import COLLAPSE_KL, COLLAPSE_MIN_DIGITS, digit_shares, kl_to_uniform
from gankit.storage import check_writable, read_json, write_json

from . import grid
from .models import FIRST_GAN

NAME = "hopping"
FIGURE = "mode-hopping"  # figure 2-71 of the appendix
FULL = {"seeds": [0, 1, 2, 3, 4], "epochs": 10, "limit": None, "samples": 5000}
QUICK = {"seeds": [0, 1], "epochs": 2, "limit": 300, "samples": 300, "data": "builtin"}


# ------------------------------------------------------------------ measuring
def epoch_shares(run: str, epochs: int, cfg: grid.Config, classifier) -> dict:
    """{epoch: the 10 digit shares of the samples of G after that epoch} of one run."""
    from gankit.scorecard import sample_generator

    out = {}
    for epoch in range(1, epochs + 1):
        G = FIRST_GAN.G()
        gankit.Checkpoints(run, cfg.checkpoints).load(epoch, {"G": G}, restore_rng=False)
        images = sample_generator(G, FIRST_GAN.noise, FIRST_GAN.noise_size, cfg.samples, cfg.sample_seed)
        logits, _ = classifier.logits_and_features(images)
        out[str(epoch)] = [round(float(s), 4) for s in digit_shares(logits.argmax(1))]
    return out


def measure(cfg: grid.Config, seeds, epochs: int, log=print) -> dict:
    """The results file: settings, and for each seed its run and digit shares epoch by epoch."""
    from gankit.classifier import load_classifier
    from gankit.scorecard import classifier_record

    torch.set_num_threads(1)
    classifier = load_classifier(cfg.data, log=log)
    runs = []
    for seed in seeds:
        _, _, dataset, record = grid.train(FIRST_GAN, seed, cfg, epochs, log=log)
        runs.append({"seed": seed, "run": record["run"], "engine": record["engine"],
                     "cpu_seconds": record["cpu_seconds"],
                     "shares": epoch_shares(record["run"], epochs, cfg, classifier)})
        log(f"seed {seed}: digits {' '.join(str(d) for d in top_digits(runs[-1]))}", flush=True)
    key = dataset.data.key(len(dataset))
    return {"settings": {"data": source_description(key), "data_key": key, "images": len(dataset),
                         "epochs": epochs, "seeds": list(seeds), "samples": cfg.samples,
                         "sample_seed": cfg.sample_seed, "engine": cfg.engine,
                         "started": time.strftime("%Y-%m-%d %H:%M:%S")},
            "classifier": {k: v for k, v in classifier_record(classifier).items() if k != "data"},
            "runs": runs}


# ------------------------------------------------------------------ summary
def top_digits(run: dict) -> list[int]:
    """The commonest digit after each epoch."""
    return [max(range(10), key=lambda d: s[d]) for _, s in sorted(run["shares"].items(), key=lambda x: int(x[0]))]


def collapsed(shares) -> bool:
    """``gankit.metrics.is_collapsed`` on digit shares alone."""
    return sum(s >= 0.01 for s in shares) < COLLAPSE_MIN_DIGITS or kl_to_uniform(shares) > COLLAPSE_KL


SETTLED_EPOCHS = 4  # a seed has settled when its digit stayed the same over its last 4 epochs


def summary(data: dict) -> dict:
    """The numbers the chapter quotes (keys of chapter_metrics.json)."""
    runs = data["runs"]
    tops = {r["seed"]: top_digits(r) for r in runs}
    changes = {seed: sum(a != b for a, b in zip(t, t[1:])) for seed, t in tops.items()}
    first = runs[0]
    lasts = [t[-1] for t in tops.values()]
    last = max(sorted(set(lasts)), key=lasts.count)  # the digit most seeds end on
    return {
        "hop_seeds": len(runs),
        "hop_runs_id": grid.runs_id(r["run"] for r in runs),  # which trainings these are
        "hop_epochs": data["settings"]["epochs"],
        "hop_collapsed_epoch1": sum(collapsed(r["shares"]["1"]) for r in runs),
        "hop_collapsed_every_epoch": sum(all(collapsed(s) for s in r["shares"].values()) for r in runs),
        "hop_seeds_changing": sum(c > 0 for c in changes.values()),
        "hop_changes": sum(changes.values()),
        "hop_min_top_share": min(max(s) for r in runs for s in r["shares"].values()),
        "hop_first_seed": first["seed"],
        "hop_first_seed_digits": " → ".join(str(d) for d in tops[first["seed"]]),
        "hop_first_seed_last_digit": tops[first["seed"]][-1],
        "hop_first_last_changed": sum(t[0] != t[-1] for t in tops.values()),
        "hop_transitions": sum(len(t) - 1 for t in tops.values()),  # chances to change digit
        "hop_last_digit": last,
        "hop_last_digit_seeds": sum(t[-1] == last for t in tops.values()),
        # seeds that drew that digit after each of the last SETTLED_EPOCHS epochs
        "hop_settled_seeds": sum(set(t[-SETTLED_EPOCHS:]) == {last} for t in tops.values()),
    }


# ------------------------------------------------------------------ figure 2-71 (mode-hopping)
SHARE_SHOWN_BELOW = 0.99  # a cell shows the digit's share too when it is below 99%


def save_figure(data: dict, out) -> Path:
    """Figure 2-71: for each seed (row) and epoch (column), the digit drawn most, written in the
    cell (and coloured by digit), with its share when that is below 99%; a black bar between two
    cells marks a hop, so the figure reads in black and white too."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from gankit.figures import WIDTH

    runs = data["runs"]
    epochs = data["settings"]["epochs"]
    tops = torch.tensor([top_digits(r) for r in runs])
    colours = ListedColormap(plt.get_cmap("tab10").colors)  # one colour per digit
    fig, ax = plt.subplots(figsize=(WIDTH, 0.85 + 0.36 * len(runs)))
    ax.imshow(tops.numpy(), cmap=colours, vmin=-0.5, vmax=9.5, alpha=0.35, aspect="auto")
    for i, r in enumerate(runs):
        for j, digit in enumerate(tops[i].tolist()):
            share = r["shares"][str(j + 1)][digit]
            if share >= SHARE_SHOWN_BELOW:
                ax.text(j, i, str(digit), ha="center", va="center", fontsize=10)
            else:
                ax.text(j - 0.12, i, str(digit), ha="right", va="center", fontsize=10)
                ax.text(j - 0.05, i, f"{share:.0%}", ha="left", va="center", fontsize=7.5)
            if j and digit != tops[i][j - 1]:  # a hop: the digit changed since the last epoch
                ax.plot([j - 0.5, j - 0.5], [i - 0.42, i + 0.42], color="black", linewidth=2.2,
                        solid_capstyle="butt")
    ax.set_xticks(range(epochs), [str(e) for e in range(1, epochs + 1)])
    ax.set_yticks(range(len(runs)), [f"随机数种子 {r['seed']}" for r in runs])
    ax.tick_params(length=0)
    ax.set_xlabel("轮次")
    ax.set_title(f"第一个 GAN 每个轮次后画得最多的数字（竖线：数字变了；占比低于 {SHARE_SHOWN_BELOW:.0%} 时标出占比）")
    fig.tight_layout(pad=0.3)
    return gankit.save_figure(FIGURE, out, fig)


def write_outputs(data: dict, results_dir: Path, out) -> list:
    """Figure 2-71 (mode-hopping) and the summary numbers in the results folder's chapter_metrics.json."""
    gankit.record_metrics(folder=results_dir, **summary(data))
    return [save_figure(data, out), results_dir / gankit.results.METRICS_FILE]


# ------------------------------------------------------------------ command line
def run_folder(data, budget: dict, quick: bool) -> str | None:
    """None for the reference run (full MNIST, the book's budget, not quick), else the name of
    this run's folder under _build/runs (as ``experiments.grid.run_folder_name``)."""
    own_budget = any(budget.get(k) != FULL.get(k) for k in FULL)
    return paths.run_name(data, 0, budget.get("limit"), own=quick or own_budget)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Mode hopping: the digit the first GAN draws after each epoch.",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--quick", action="store_true", help="CI size: built-in data, a run folder of its own under _build/runs")
    p.add_argument("--tables", action="store_true", help="only the figure and the metrics from hopping.json")
    p.add_argument("--data", default=None, help=settings.DATA_HELP)
    p.add_argument("--seeds", type=seed_value, nargs="+", help="随机数种子 of the runs (default 0-4)")
    p.add_argument("--epochs", type=positive_int, help="epochs (default 10)")
    p.add_argument("-n", "--samples", type=positive_int, help="samples classified per epoch (default 5000)")
    p.add_argument("--engine", default="auto", help=gankit.ENGINE_HELP)
    p.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR), help="checkpoint folder")
    p.add_argument("--results", default=None, help="results folder (default: results/ for the reference run, else the run's folder)")
    p.add_argument("--out", default=None, help="figure folder (default: the book's for the reference run, else the run's folder)")
    try:
        settings.check()
    except settings.SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    args = p.parse_args(argv)
    quick = args.quick or paths.QUICK
    budget = dict(QUICK if quick else FULL)
    budget.update({k: v for k, v in (("seeds", args.seeds), ("epochs", args.epochs), ("samples", args.samples))
                   if v is not None})
    try:
        source = args.data or budget.get("data") or settings.data_source()
        run = run_folder(gankit.load_mnist(source, "train", quiet=True), budget, quick)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    results_dir = Path(args.results) if args.results else paths.results_dir(run)
    out = args.out or paths.figure_dir(run)
    target = results_dir / f"{NAME}.json"
    where = "the reference results" if run is None else f"a run of its own ({paths.relative(paths.run_root(run))})"
    print(f"{NAME}: outputs: {where}", flush=True)
    try:  # before any work: the folders it writes (exit status 2) and the metrics file it merges into
        for folder, flag in ((results_dir, "--results"), (out, "--out"), (args.checkpoints, "--checkpoints")):
            check_writable(folder, flag)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        gankit.read_metrics(results_dir)
        if args.tables:
            data = read_json(target, producer=f"python -m experiments.{NAME}")
            if not data:
                print(f"error: {paths.relative(target)} does not exist; run python -m experiments.{NAME} first",
                      file=sys.stderr)
                return 1
        else:
            cfg = grid.Config(data=source, limit=budget["limit"], samples=budget["samples"],
                              checkpoints=args.checkpoints, engine=args.engine)
            data = measure(cfg, budget["seeds"], budget["epochs"])
            write_json(target, data)
            print(f"wrote {paths.relative(target)}")
        for path in write_outputs(data, results_dir, out):
            print(f"wrote {paths.relative(path)}")
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
