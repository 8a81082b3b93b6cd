"""One experiment runner: models x 随机数种子, trained in parallel processes, saved as it goes, scored.

A *job* trains one model (an ``Arm`` of ``experiments.models``) with one seed
for a number of epochs (loading or resuming its checkpoints) and scores it
with the score card at the requested epochs. ``run_grid`` runs jobs in a pool
of one-thread processes, longest first within each seed, scores the anchors
beside them, calls ``save`` after every finished job (an interrupted
experiment keeps what it finished) and reuses the score cards of runs an
earlier results file already holds.

The results file of an experiment (``results/<experiment>.json``)::

    {"settings": {...}, "arms": {name: what it is made of},
     "groups": {group: {"arms", "seeds", "epochs", "score_epochs", "complete", "wall_seconds", ...}},
     "runs": [{"group", "arm", "seed", "run", "epochs", "images", "engine", "epochs_trained",
               "train_seconds", "cpu_seconds", "scores": {"10": score card}}, ...],
     "anchors": {...}, "reference": {...}, "classifier": {...}}

Each run appears once; a group lists which arms, seeds and epochs it shows.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import torch

import gankit
from gankit import paths, settings
from gankit.cli import CLEAR_ERRORS, positive_int, seed_value
from gankit.metrics import is_collapsed, with_min_share
from gankit.storage import check_writable, read_json, write_json

from .models import BATCHES, Arm

ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", "TQDM_DISABLE": "1"}


@dataclass(frozen=True)
class Config:
    """What every job of one experiment shares."""

    data: str  # MNIST source of training and scoring
    limit: int | None = None  # train on the first N images only
    samples: int = 5000  # samples scored per generator
    sample_seed: int = 0  # 随机数种子 of those samples and of the anchors' noise
    checkpoints: str = str(paths.CHECKPOINT_DIR)
    device: str = "cpu"
    engine: str = "auto"
    retrain: bool = False


@dataclass(frozen=True)
class Job:
    group: str
    arm: str  # a key of the experiment's arms
    seed: int
    epochs: int
    score_epochs: tuple[int, ...]

    @property
    def key(self) -> tuple:
        return self.arm, self.seed, self.epochs


@dataclass
class Results:
    """An experiment's results while it runs: runs by key, and what it measured besides."""

    runs: dict = field(default_factory=dict)  # Job.key -> run record
    fresh: set = field(default_factory=set)  # keys of the runs trained or scored in this call
    extra: dict = field(default_factory=dict)  # anchors, reference, classifier, ...


def train(arm: Arm, seed: int, cfg: Config, epochs: int, log=print):
    """Train (or load, or resume) ``arm`` with one seed; return (D, G, dataset, record)."""
    from chapter_2_3_2_02 import MnistDataset
    from chapter_2_3_2_08 import train_gan

    device = gankit.use_device(cfg.device, arm.trainer)  # auto: per model (gankit.device)
    gankit.set_seed(seed)  # the order of the listings' main: seed, data, D, G
    dataset = MnistDataset(cfg.data, cfg.limit)
    D, G = arm.build()
    options = gankit.TrainingOptions(epochs=epochs, seed=seed, device=device, engine=cfg.engine,
                                     retrain=cfg.retrain, checkpoints=cfg.checkpoints)
    wall, started = time.perf_counter(), time.time()
    batch = {}
    if arm.trainer == BATCHES:
        from chapter_2_3_2_10 import BATCH_SIZE

        batch = {"batch_size": arm.batch_size or BATCH_SIZE}
        loop = arm.epoch_loop()
        # code: the loop itself, as the listings' own runs name it (a lambda only passes arguments on,
        # and a name imported inside this function is not one of the lambda's globals)
        ckpt = gankit.train_run(arm.prefix, options, dataset, {"D": D, "G": G},
                                lambda epoch: loop(D, G, dataset, batch["batch_size"]), log=log, code=(loop,))
    else:
        ckpt = gankit.train_gan_epochs(arm.prefix, options, dataset, D, G, train_gan, arm.noise,
                                       arm.noise_size, log=log)
    engine = gankit.RunName.parse(ckpt.run_name).engine
    trained = [e for e, t in ckpt.times().items() if e <= epochs and t["at"] >= started]
    record = {"arm": arm.name, "seed": seed, "run": ckpt.run_name, "engine": engine, "epochs": epochs,
              "images": len(dataset), "epochs_trained": len(trained),
              "generator_updates": G.counter, "train_seconds": round(time.perf_counter() - wall, 1),
              "cpu_seconds": ckpt.cpu_seconds(epochs), **batch}
    return D, G, dataset, record


def run_job(arm: Arm, job: Job, cfg: Config) -> dict:
    """Train one arm with one seed, then score it at ``job.score_epochs``. Runs in a worker."""
    from gankit.scorecard import build_reference, score_generator

    torch.set_num_threads(1)
    tag = f"[{job.group} {arm.name} seed {job.seed}]"
    _, _, _, record = train(arm, job.seed, cfg, job.epochs, log=lambda m: print(f"{tag} {m}", flush=True))
    start = time.perf_counter()
    ref = build_reference(cfg.data, log=lambda *a: None)
    record["scores"] = {}
    ckpt = gankit.Checkpoints(record["run"], cfg.checkpoints)
    for epoch in job.score_epochs:
        G = arm.G()
        ckpt.load(epoch, {"G": G}, restore_rng=False)
        drawer = getattr(G, arm.draws) if arm.draws else G  # e.g. the moving average of G's weights
        card = score_generator(drawer, arm.noise, arm.noise_size, n=cfg.samples, seed=cfg.sample_seed,
                               reference=ref)
        card = with_min_share(dict(card, collapsed=is_collapsed(card), train_cpu_seconds=ckpt.cpu_seconds(epoch)))
        record["scores"][str(epoch)] = card
        print(f"{tag} epoch {epoch}: smallest digit share {card['min_share']:.3f}, "
              f"KL {card['kl_uniform']:.3f}, IS {card['inception_score']:.2f}, FID {card['fid']:.1f}"
              f"{' (collapsed)' if card['collapsed'] else ''}", flush=True)
    record["score_seconds"] = round(time.perf_counter() - start, 1)
    return record


def run_anchors(cfg: Config) -> dict:
    """The anchors' score cards (real, noisy, blurred, one digit), in a worker like the runs."""
    from gankit.scorecard import build_reference, classifier_record, score_anchors

    torch.set_num_threads(1)
    start = time.perf_counter()
    ref = build_reference(cfg.data, log=lambda *a: None)
    cards = score_anchors(n=cfg.samples, seed=cfg.sample_seed, reference=ref)
    return {"anchors": cards, "reference": ref.settings, "classifier": classifier_record(ref.classifier),
            "anchors_seconds": round(time.perf_counter() - start, 1)}


def _init_worker():
    torch.set_num_threads(1)


def reusable(experiment: Experiment, previous: dict, cfg: Config, images: int, log=print) -> dict:
    """Run records of an earlier results file that this run may reuse: the same data (the caller
    checks the data key), images, samples and sample seed, and the run this code trains now (a record
    of a model whose code, hyperparameters or data changed since has another run name, another
    fingerprint, and is left out). {(arm, seed, epochs): record}."""
    from chapter_2_3_2_02 import MnistDataset

    settings = previous.get("settings", {})
    if settings.get("samples") != cfg.samples or settings.get("sample_seed") != cfg.sample_seed:
        return {}
    found = {(r["arm"], r["seed"], r["epochs"]): r for r in previous.get("runs", [])
             if r["images"] == images and r["arm"] in experiment.arms}
    if not found:
        return {}
    dataset = MnistDataset(cfg.data, cfg.limit)
    reuse = {key: r for key, r in found.items()
             if r.get("run") == run_of(experiment.arms[key[0]], key[1], cfg, key[2], dataset)}
    if len(reuse) < len(found):
        log(f"{len(found) - len(reuse)} earlier runs are of other code or settings (another fingerprint): "
            "trained or loaded, and scored, anew")
    return reuse


def run_grid(arms: dict, jobs: list[Job], cfg: Config, workers: int, save=None, reuse: dict | None = None,
             extra_tasks: dict | None = None, log=print) -> Results:
    """Run ``jobs`` in ``workers`` one-thread processes; ``save(results)`` after each finished one.

    ``extra_tasks`` maps a key of ``results.extra`` to ``(function, argument)`` run in the pool
    beside the jobs (the anchors always are). Jobs whose scores ``reuse`` already holds are skipped.
    """
    from gankit.classifier import load_classifier

    load_classifier(cfg.data, log=log)  # trained once here if missing, not in every worker
    results = Results(runs=dict(reuse or {}))
    todo = {}
    for job in jobs:
        done = results.runs.get(job.key)
        if done is None or not {str(e) for e in job.score_epochs} <= set(done["scores"]):
            todo.setdefault(job.key, job)
    # seed by seed (a cut-short run has whole seeds), longest first within a seed
    order = sorted(todo.values(), key=lambda j: (j.seed, -arms[j.arm].cost * j.epochs))
    log(f"{len(jobs)} runs planned, {len(order)} to train (or load) and score, "
        f"in {min(workers, max(len(order), 1))} processes of one thread", flush=True)
    os.environ.update(ONE_THREAD)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=_init_worker) as pool:
        tasks = {"anchors": (run_anchors, cfg), **(extra_tasks or {})}
        side = {pool.submit(fn, arg): name for name, (fn, arg) in tasks.items()}
        futures = {pool.submit(run_job, arms[job.arm], job, cfg): job for job in order}
        for name_future in as_completed(side):
            value = name_future.result()
            results.extra.update(value if side[name_future] == "anchors" else {side[name_future]: value})
        for future in as_completed(futures):
            job = futures[future]
            record = future.result()
            previous = results.runs.get(job.key)
            if previous:  # keep the scores of other epochs an earlier run recorded
                record["scores"] = {**previous["scores"], **record["scores"]}
            results.runs[job.key] = record
            results.fresh.add(job.key)
            results.extra["wall_seconds"] = round(time.perf_counter() - start, 1)
            if save:
                save(results)
    results.extra["wall_seconds"] = round(time.perf_counter() - start, 1)
    return results




# ------------------------------------------------------------------ an experiment
ANCHOR_LABELS_ZH = {"real": "锚点：真实测试图像", "noisy": "锚点：加噪真实图像（σ=0.2）",
                    "blurred": "锚点：模糊的真实图像", "single_digit": "锚点：只有数字 1 的真实图像"}


@dataclass(frozen=True)
class Experiment:
    """An experiment for ``main``: its arms, budgets and the groups of runs a budget makes."""

    name: str  # results/<name>.json
    arms: dict  # name -> Arm
    full: dict  # the budget of the book's run
    quick: dict  # the budget of the quick configuration (CI)
    groups: object  # budget -> {group: {"arms", "seeds", "epochs", "score_epochs"}}
    extra_tasks: object = None  # (Config, budget) -> {key: (function, argument)} run beside the jobs
    reads: tuple = ()  # other experiments whose results file this one reads (checked before any work)


def arm_epochs(arm: Arm, epochs: int) -> int:
    """The epochs of ``arm`` when the budget is ``epochs`` (equal CPU time: see Arm.epochs_factor)."""
    return max(1, round(epochs * arm.epochs_factor))


def plan(experiment: Experiment, specs: dict) -> list[Job]:
    """The jobs of the groups ``specs``."""
    jobs = []
    for group, g in specs.items():
        for arm in g["arms"]:
            epochs = arm_epochs(experiment.arms[arm], g["epochs"])
            scored = tuple(sorted({epochs if e == g["epochs"] else e for e in g["score_epochs"]}))
            jobs += [Job(group, arm, seed, epochs, scored) for seed in g["seeds"]]
    return jobs


def group_runs(data: dict, group: str) -> list[dict]:
    """The run records a group of a results file shows, in the group's order (arm, then seed);
    none for a group the file does not hold (a run of only some groups: ``--groups``)."""
    g = data.get("groups", {}).get(group)
    if g is None:
        return []
    by_key = {(r["arm"], r["seed"], r["epochs"]): r for r in data["runs"]}
    out = []
    for arm in g["arms"]:
        epochs = g.get("arm_epochs", {}).get(arm, g["epochs"])
        out += [by_key[(arm, s, epochs)] for s in g["seeds"] if (arm, s, epochs) in by_key]
    return out


def assemble(experiment: Experiment, results: Results, settings: dict, specs: dict, jobs: list[Job],
             previous: dict, workers: int, started: float) -> dict:
    """The results file: this run's groups and runs merged into the previous file of the same data."""
    if previous.get("settings", {}).get("data_key") != settings["data_key"]:
        previous = {}
    # a run of an arm the experiment no longer has is left out: its code is gone
    runs = {(r["arm"], r["seed"], r["epochs"]): r for r in previous.get("runs", []) if r["arm"] in experiment.arms}
    runs.update(results.runs)
    order = list(experiment.arms)
    groups = dict(previous.get("groups", {}))
    for group, g in specs.items():
        mine = [j for j in jobs if j.group == group]
        done = [j for j in mine if j.key in runs and {str(e) for e in j.score_epochs} <= set(runs[j.key]["scores"])]
        trained = [j for j in done if j.key in results.fresh and runs[j.key]["epochs_trained"] > 0]
        groups[group] = dict(g, arm_epochs={a: arm_epochs(experiment.arms[a], g["epochs"]) for a in g["arms"]},
                             complete=len(done) == len(mine), runs_done=len(done), runs_planned=len(mine),
                             runs_trained=len(trained), wall_seconds=round(time.perf_counter() - started, 1),
                             workers=workers)
    data = {"settings": settings,
            "arms": {n: a.describe() for n, a in experiment.arms.items()},
            "groups": groups,
            "runs": sorted(runs.values(), key=lambda r: (order.index(r["arm"]), r["seed"], r["epochs"]))}
    for key in ("anchors", "reference", "classifier", "anchors_seconds"):
        if key in results.extra or key in previous:
            data[key] = results.extra.get(key, previous.get(key))
    data.update({k: v for k, v in results.extra.items() if k not in data and k != "wall_seconds"})
    return data


def anchor_rows(data: dict, keys, blanks: int = 0) -> list[list]:
    """Table rows of the anchors: label, ``blanks`` empty cells, then the measures ``keys``."""
    from gankit.tables import metric_cells

    return [[ANCHOR_LABELS_ZH.get(name, name)] + [""] * blanks + metric_cells(with_min_share(card), keys)
            for name, card in data.get("anchors", {}).items()]


def runs_id(run_names) -> str:
    """A short name for a set of trained runs (their checkpoint names): two experiments that name the
    same id scored the same trainings."""
    import hashlib

    return hashlib.sha256("\n".join(sorted(run_names)).encode()).hexdigest()[:12]


def write_tables(data: dict, tables: dict, folder) -> list:
    """Write ``tables`` ({file name: (function of data, group it needs or None)}) into ``folder``."""
    from gankit.storage import atomic_write_text

    written = []
    for name, (make, needs) in tables.items():
        group = data.get("groups", {}).get(needs) if needs else None
        if needs and (group is None or not group.get("runs_done", 1)):  # none of its runs finished yet
            continue
        written.append(atomic_write_text(folder / name, make(data)))
    return written


# ------------------------------------------------------------------ command line
def run_folder_name(args, data, budget: dict, experiment: "Experiment") -> str | None:
    """None when this is the reference run of the experiment (full MNIST, the book's budget, sample
    seed 0, not quick), else the run folder's name under _build/runs (``gankit.paths``)."""
    default = experiment.quick if args.quick or paths.QUICK else experiment.full
    own_budget = any(budget.get(k) != default.get(k) for k in budget if k != "data")
    return paths.run_name(data, args.sample_seed, budget.get("limit"), own=args.quick or own_budget)


def results_folder(args, name: str | None) -> Path:
    """Where an experiment writes: --results, else results/ (reference) or the run's folder."""
    return Path(args.results) if args.results else paths.results_dir(name)


def figures_folder(args) -> Path:
    """Where an experiment saves its figures: --out, else the run's figure folder (``_main`` sets args.run)."""
    return Path(args.out) if args.out else paths.figure_dir(args.run)


def check_folders(args, results_dir: Path, figures: bool) -> None:
    """Every folder this experiment will write, checked before any work (StorageError naming the flag)."""
    check_writable(results_dir, "--results" if args.results else f"--results (or ${settings.RESULTS_ENV})")
    if figures:
        check_writable(figures_folder(args), "--out" if args.out else f"--out (or ${settings.FIGURES_ENV})")
    if not args.tables:
        check_writable(args.checkpoints, f"--checkpoints (or ${settings.CHECKPOINTS_ENV})")


def parser_for(experiment: Experiment, description: str) -> argparse.ArgumentParser:
    """The flags every experiment shares."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    q = experiment.quick
    p.add_argument("--quick", action="store_true", help=f"CI size: built-in data, {q['limit']} images, "
                   f"{q['samples']} samples; results in a run folder under _build/runs")
    p.add_argument("--tables", action="store_true", help="only (re)write the tables (and figures) from the results file")
    p.add_argument("--groups", nargs="+", help="only these groups of runs (default: all)")
    p.add_argument("--arms", nargs="+", choices=list(experiment.arms), help="only these models (default: all)")
    p.add_argument("--data", default=None, help=settings.DATA_HELP)
    p.add_argument("--limit", type=positive_int, default=None, help="train on the first N images only")
    p.add_argument("--seeds", type=seed_value, nargs="+", help="随机数种子 of every group (default: the budget's)")
    p.add_argument("--epochs", type=positive_int, help="epochs of every group (default: the budget's)")
    p.add_argument("-n", "--samples", type=positive_int, help="samples scored per generator (default 5000)")
    p.add_argument("--sample-seed", type=seed_value, default=0, help="随机数种子 of the samples drawn for scoring")
    p.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1,
                   help="parallel processes, one thread each (at most os.cpu_count())")
    p.add_argument("--engine", default="auto", help=gankit.ENGINE_HELP)
    p.add_argument("--device", default=settings.device(), help=settings.DEVICE_HELP)
    p.add_argument("--retrain", action="store_true", help="train every run again from scratch")
    p.add_argument("--rescore", action="store_true", help="score every run again instead of reusing score cards")
    p.add_argument("--train-only", action="store_true", help="only train (or resume) the runs, one after the other")
    p.add_argument("--available", action="store_true",
                   help="score only the runs whose checkpoint exists (no training)")
    p.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR),
                   help=f"checkpoint folder (${settings.CHECKPOINTS_ENV})")
    p.add_argument("--results", default=None,
                   help="results folder (default: results/ for the reference run, else the run's folder)")
    p.add_argument("--out", default=None, help="figure folder (default: the book's for the reference run, "
                                               "else the run's folder)")
    return p


def _budget(experiment: Experiment, args) -> dict:
    budget = dict(experiment.quick if args.quick or paths.QUICK else experiment.full)
    for key in budget:  # --seeds and --epochs set every group's seeds and epochs
        if key.endswith("seeds") and args.seeds:
            budget[key] = args.seeds
        if key.endswith("epochs") and args.epochs:
            budget[key] = args.epochs
    for key in ("limit", "samples"):
        if getattr(args, key) is not None:
            budget[key] = getattr(args, key)
    return budget


def run_of(arm: Arm, seed: int, cfg: Config, epochs: int, dataset) -> str:
    """The name of the run ``train`` trains or loads for ``arm`` and ``seed`` on ``dataset`` (a listing's
    MnistDataset), without training: the run names need the data and the models' code."""
    from chapter_2_3_2_08 import train_gan
    from gankit.training import resolve_engine, run_name

    device = gankit.use_device(cfg.device, arm.trainer)  # auto: per model (gankit.device)
    with torch.random.fork_rng(devices=[]):  # building the models draws weights: leave the RNG as it was
        D, G = arm.build()
    options = gankit.TrainingOptions(epochs=epochs, seed=seed, device=device, engine=cfg.engine,
                                     checkpoints=cfg.checkpoints)
    if arm.trainer == BATCHES:
        return str(run_name(arm.prefix, dataset, options, None, {"D": D, "G": G}, (arm.epoch_loop(),)))
    engine, _ = resolve_engine(cfg.engine, D, G, train_gan, arm.noise, device)
    return str(run_name(arm.prefix, dataset, options, engine, {"D": D, "G": G}, (train_gan, arm.noise)))


def _available(experiment: Experiment, jobs: list[Job], cfg: Config) -> list[Job]:
    """The jobs whose checkpoint at their last epoch exists."""
    from chapter_2_3_2_02 import MnistDataset

    dataset = MnistDataset(cfg.data, cfg.limit)
    return [job for job in jobs if job.epochs in gankit.Checkpoints(
        run_of(experiment.arms[job.arm], job.seed, cfg, job.epochs, dataset), cfg.checkpoints).epochs_saved()]


def main(experiment: Experiment, write_outputs, argv=None, description: str = "", finish=None) -> int:
    """Run ``experiment`` from the command line; ``write_outputs(data, results_dir, table_dir)``
    writes its tables, ``finish(data, args)`` its figures. Exit status 2: a setting, flag or folder
    is unusable (found before any work); 1: a file or the data is."""
    try:
        settings.check()
    except settings.SettingError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    args = parser_for(experiment, description).parse_args(argv)
    try:
        return _main(experiment, write_outputs, args, finish)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def _main(experiment, write_outputs, args, finish) -> int:
    budget = _budget(experiment, args)
    data_source = args.data or budget.get("data") or settings.data_source()
    train_data = gankit.load_mnist(data_source, "train", quiet=True)
    run = run_folder_name(args, train_data, budget, experiment)
    args.run = run
    results_dir = results_folder(args, run)
    out, table_dir = results_dir / f"{experiment.name}.json", results_dir / "tables"
    producer = f"python -m experiments.{experiment.name}"
    where = "the reference results" if run is None else f"a run of its own ({paths.relative(paths.run_root(run))})"
    print(f"{experiment.name}: {train_data.describe(where=True)} | outputs: {where}", flush=True)
    try:  # the folders depend on the data (the run's own folder): checked once it is known
        check_folders(args, results_dir, figures=finish is not None)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for other in experiment.reads:  # a corrupt file stops the run now, not after its first job
        read_json(results_dir / f"{other}.json", producer=f"python -m experiments.{other}")
    previous = read_json(out, producer=producer)  # merged into as runs finish: read before any work
    if args.tables:
        data = previous
        if not data:
            print(f"error: {paths.relative(out)} does not exist; run {producer} first", file=sys.stderr)
            return 1
        data["arms"].update({n: a.describe() for n, a in experiment.arms.items()})  # labels as the code has them
        for path in write_outputs(data, results_dir, table_dir):
            print(f"wrote {paths.relative(path)}")
        if finish:
            finish(data, args)
        return 0

    workers = max(1, min(args.workers, os.cpu_count() or 1))
    cfg = Config(data=data_source, limit=budget["limit"], samples=budget["samples"], sample_seed=args.sample_seed,
                 checkpoints=args.checkpoints, device=args.device, engine=args.engine, retrain=args.retrain)
    used = len(train_data) if cfg.limit is None else min(cfg.limit, len(train_data))
    specs = {name: g for name, g in experiment.groups(budget).items() if not args.groups or name in args.groups}
    for g in specs.values():
        g["arms"] = [a for a in g["arms"] if not args.arms or a in args.arms]
    jobs = plan(experiment, specs)
    print(f"{experiment.name}: {train_data.describe(used)} | groups: {', '.join(specs)} | "
          f"{cfg.samples} samples per generator | {workers} processes, 1 thread each", flush=True)
    if args.train_only:
        torch.set_num_threads(1)
        for job in sorted({j.key: j for j in jobs}.values(), key=lambda j: j.seed):
            _, _, _, record = train(experiment.arms[job.arm], job.seed, cfg, job.epochs)
            print(f"trained {record['run']}: {job.epochs} epochs, {record['cpu_seconds']} s CPU", flush=True)
        return 0
    if args.available:
        jobs = _available(experiment, jobs, cfg)
        print(f"available: {len(jobs)} runs with checkpoints")
    run_settings = {"data": train_data.source, "data_key": train_data.key(used), "train_images_used": used,
                    "samples": cfg.samples, "sample_seed": cfg.sample_seed, "workers": workers,
                    "threads_per_worker": 1, "cpu_count": os.cpu_count(), "device": cfg.device,
                    "engine": cfg.engine, "quick": bool(args.quick or paths.QUICK), "torch": torch.__version__,
                    "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    reuse = {}
    if not (args.retrain or args.rescore) and previous.get("settings", {}).get("data_key") == run_settings["data_key"]:
        reuse = reusable(experiment, previous, cfg, used)
        if reuse:
            print(f"reusing the score cards of {len(reuse)} runs from {paths.relative(out)} (--rescore to redo)")
    started = time.perf_counter()

    def save(results):
        data = assemble(experiment, results, run_settings, specs, jobs, previous, workers, started)
        write_json(out, data)
        written = write_outputs(data, results_dir, table_dir)
        state = ", ".join(f"{n} {g['runs_done']}/{g['runs_planned']} runs" for n, g in data["groups"].items()
                          if n in specs)
        print(f"results: wrote {paths.relative(out)} and {len(written)} tables ({state})", flush=True)
        return data

    extra = experiment.extra_tasks(cfg, budget) if experiment.extra_tasks else None
    results = run_grid(experiment.arms, jobs, cfg, workers, save=save, reuse=reuse, extra_tasks=extra)
    data = save(results)
    if finish:
        finish(data, args)
    print(f"{experiment.name}: done in {results.extra['wall_seconds'] / 60:.1f} min wall")
    return 0
