"""Score cards of trained checkpoints: any model of the book, any run (``make evaluate``).

Command line::

    PYTHONPATH=codes python -m experiments.evaluate                  # every chapter run found + anchors
    PYTHONPATH=codes python -m experiments.evaluate --run RUN --epoch 10
    PYTHONPATH=codes python -m experiments.evaluate checkpoints/RUN/epoch10.pt

The model is told from the run name's prefix (``experiments.models``). Scores are
merged into ``results/scores.json``::

    {"<data key, e.g. idx60000>": {"settings": {...}, "classifier": {...},
                                   "anchors": {"real": card, "noisy": ..., ...},
                                   "generators": {"<run>/epoch10": card, ...}}}
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import gankit
from gankit import paths, settings
from gankit.cli import CLEAR_ERRORS, positive_int, seed_value
from gankit.metrics import console_table
from gankit.scorecard import (ANCHOR_LABELS, DEFAULT_N, build_reference, classifier_record, score_anchors,
                              score_generator)
from gankit.storage import check_writable, read_json, write_json

from .registry import all_models

SCORES_FILE = "scores.json"
CHAPTER_EPOCHS = (1, 10)  # the epochs the chapter shows; the last saved epoch is scored too


def load_generator(run: str, epoch: int, directory=None):
    """(G, arm) with the weights of checkpoint ``run``/epoch ``epoch``; the model from the run's prefix."""
    name = gankit.RunName.parse(run)
    models = all_models()
    if name is None or name.prefix not in models:
        raise gankit.CheckpointError(f"{run!r} is not a run of a model of the book "
                                     f"(prefixes: {', '.join(models)}); pass a run folder name")
    arm = models[name.prefix]
    G = arm.G()
    G.to("cpu")
    gankit.Checkpoints(run, directory).load(epoch, {"G": G}, restore_rng=False)
    return G, arm


def chapter_checkpoints(directory=None) -> list[tuple[str, int]]:
    """(run, epoch) of every run of a model of the book under the checkpoint folder: epochs 1 and
    10 when saved, and the last."""
    root = Path(directory or paths.CHECKPOINT_DIR)
    models = all_models()
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        name = gankit.RunName.parse(folder.name)
        if name is None or name.prefix not in models:
            continue
        saved = gankit.Checkpoints(folder.name, root).epochs_saved()
        if saved:
            found += [(folder.name, e) for e in sorted({e for e in saved if e in CHAPTER_EPOCHS} | {saved[-1]})]
    return found


def write_scores(key: str, reference, anchors: dict, generators: dict, path) -> Path:
    """Merge this run's anchors and generator cards into the scores file (layout: module docstring)."""
    data = read_json(path, producer="python -m experiments.evaluate")
    entry = data.setdefault(key, {})
    entry["settings"] = reference.settings
    entry["classifier"] = classifier_record(reference.classifier)
    entry["anchors"] = anchors
    entry.setdefault("generators", {}).update(generators)
    return write_json(path, data)


def main(argv=None) -> int:
    try:
        settings.check()
    except settings.SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(
        description="Score trained generators with the classifier-based score card. Without a checkpoint, "
                    "scores every run of the book's models found, and the anchors.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("checkpoint", nargs="*", help="checkpoint files (checkpoints/RUN/epochNN.pt)")
    parser.add_argument("--run", help="run name (a folder under the checkpoint directory)")
    parser.add_argument("--epoch", type=positive_int, help="epoch of --run (default: the last saved)")
    parser.add_argument("--data", default=settings.data_source(),
                        help=settings.DATA_HELP + "; runs trained on the built-in subset always use 'builtin'")
    parser.add_argument("-n", "--samples", type=positive_int, default=DEFAULT_N, help="samples per generator")
    parser.add_argument("--seed", type=seed_value, default=0, help="随机数种子 of the samples and the anchors' noise")
    parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR), help="checkpoint folder")
    parser.add_argument("--out", default=None,
                        help="JSON file to merge into (default: scores.json in this run's results folder)")
    args = parser.parse_args(argv)
    try:  # before any work: the folders written must be writable (exit status 2, a flag's value)
        check_writable(paths.CHECKPOINT_DIR / "classifier", f"${settings.CHECKPOINTS_ENV}")
        if args.out:
            check_writable(Path(args.out).parent, "--out")
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        if args.out:
            read_json(args.out, producer="python -m experiments.evaluate")  # merged into at the end
        return _main(args, parser)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _main(args, parser) -> int:
    gankit.use_device("cpu")
    jobs = []  # (run, epoch, checkpoint folder)
    for ckpt in args.checkpoint:
        p = Path(ckpt)
        m = re.fullmatch(r"epoch(\d+)\.pt", p.name)
        if not m:
            parser.error(f"{ckpt}: expected a checkpoint file named epochNN.pt inside its run folder")
        jobs.append((p.parent.name, int(m.group(1)), p.parent.parent))
    if args.run:
        epoch = args.epoch or (gankit.Checkpoints(args.run, args.checkpoints).epochs_saved() or [None])[-1]
        if epoch is None:
            print(f"error: no checkpoint saved under {Path(args.checkpoints) / args.run}", file=sys.stderr)
            return 1
        jobs.append((args.run, epoch, Path(args.checkpoints)))
    if not jobs:
        jobs = [(run, e, Path(args.checkpoints)) for run, e in chapter_checkpoints(args.checkpoints)]
        if not jobs:
            print(f"no generator checkpoints under {args.checkpoints}: scoring the anchors only")

    by_source: dict[str, list] = {}
    for run, epoch, folder in jobs:
        name = gankit.RunName.parse(run)
        source = "builtin" if name and name.data_kind == "builtin" else args.data
        by_source.setdefault(source, []).append((run, epoch, folder))
    for source, runs in (by_source or {args.data: []}).items():
        ref = build_reference(source)
        print(f"score card: {ref.source}; classifier test accuracy {ref.classifier.info['test_accuracy']:.4f}; "
              f"{args.samples} samples per generator, seed {args.seed}; reference statistics in {ref.seconds:.1f} s")
        anchors = score_anchors(n=args.samples, seed=args.seed, reference=ref)
        generators = {}
        for run, epoch, folder in runs:
            name = gankit.RunName.parse(run)
            if name and name.data != ref.key and name.data_kind != "builtin":
                print(f"skipped {run}: trained on {name.data}, but --data gives {ref.key}; "
                      "pass the same --data it was trained on")
                continue
            G, arm = load_generator(run, epoch, folder)
            drawer = getattr(G, arm.draws) if arm.draws else G  # e.g. the moving average of G's weights
            card = score_generator(drawer, arm.noise, arm.noise_size, n=args.samples, seed=args.seed, reference=ref)
            generators[f"{run}/epoch{epoch:02d}"] = dict(card, run=run, epoch=epoch, model=arm.prefix)
        rows = {ANCHOR_LABELS[k]: v for k, v in anchors.items()} | generators
        print(console_table(rows))
        for name, card in rows.items():
            print(f"  {name}: digit shares {' '.join(f'{s:.2f}' for s in card['shares'])}")
        out = write_scores(ref.key, ref, anchors, generators,
                           args.out or paths.results_dir(paths.run_name(gankit.load_mnist(source, quiet=True), args.seed)) / SCORES_FILE)
        print(f"scores written to {paths.relative(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
