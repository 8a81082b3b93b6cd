"""`make figures`: train what is missing (in parallel), run the notebooks, check every figure.

1. Says what it uses: data, 随机数种子, device, engine, and where the outputs go:
   the reference configuration (full MNIST, seed 0) with ``--reference`` writes the book's own
   figures, results and notebooks; any other run writes to ``_build/runs/<data>-seed<seed>/``
   (``make figures`` then compares it with the book: ``tools/compare_run.py``).
2. Trains the GANs the notebooks show, each to the last epoch the book shows (the book's
   manifest, codes/manifest.toml), and the score card's digit classifier, showing each
   training's epochs and an estimate of the time left.
   Existing checkpoints are loaded instead (``--retrain`` or ``RETRAIN=1`` trains again).
3. Executes the notebooks (reference: in place, in book/); they load the checkpoints and
   write the figures. A notebook starts as soon as the trainings it loads have finished.
   Trainings and notebooks are processes of their own, at most one per core at a time,
   the one with the longest chain of jobs waiting for it first (estimated from the last run's times).
4. Checks that every figure exists.

A stage whose inputs have not changed since it last finished is skipped, and its outputs stay
as they are, byte for byte: the trainings when the code, the settings and the checkpoints are
those the last run ended with; a notebook when, besides those, its cells and the results files it
may read are. The inputs of the last run are in ``_build/logs/make_figures_inputs-<run>.json``;
``--retrain`` or deleting that file runs everything again.

Settings as everywhere: GANBOOK_DATA, GANBOOK_DEVICE, GANBOOK_SEED, GANBOOK_QUICK;
GANBOOK_REFERENCE=1 (``--reference``, ``make figures REFERENCE=1``) lets the reference configuration
rewrite the book's files; without it the full MNIST with seed 0 is a run of its own too.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

import gankit  # noqa: E402
import manifest  # noqa: E402
from gankit import catalog, paths, settings  # noqa: E402
from gankit.cli import CLEAR_ERRORS  # noqa: E402
from gankit.console import safe_output  # noqa: E402

NOTEBOOKS = catalog.notebooks()
# every figure of the chapter but those of a long experiment (made by a make target, see catalog)
FIGURES = [name for name, f in catalog.FIGURES.items() if not f.made_by.startswith("make ")]
# (listing, epochs, what it is): the trainings the notebooks load
PRETRAIN = [(m.listing, m.book_epochs, m.label) for m in manifest.GANS.values()]
TIMES = paths.LOG_DIR / "make_figures_times.json"  # seconds each stage took last time, for estimates
JOB_POLL_SECONDS = 0.5  # how often a finished process is noticed
PROGRESS_SECONDS = 60  # a training's progress line at least this often
LOOK_SECONDS = 5  # how often the trainings' logs are read for their epochs
CLASSIFIER = "数字分类器"  # the score card's classifier, a job of its own
# what every stage depends on besides its own inputs: the code, the models, the fast engine's record
SOURCES = ("codes", "tools/make_figures.py")


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def sources_digest() -> str:
    """The content of the code every stage runs (codes/: listings, gankit, manifest, font)."""
    files = []
    for top in SOURCES:
        path = ROOT / top
        for f in sorted(path.rglob("*") if path.is_dir() else [path]):
            if f.is_file() and "__pycache__" not in f.parts:
                files.append((str(f.relative_to(ROOT)), hashlib.sha256(f.read_bytes()).hexdigest()))
    return _digest(files)


def checkpoints_state() -> list:
    """Every checkpoint file as (name, size, modification time): what a training or notebook loads."""
    folder = paths.CHECKPOINT_DIR
    if not folder.is_dir():
        return []
    return [(str(f.relative_to(folder)), f.stat().st_size, f.stat().st_mtime_ns)
            for f in sorted(folder.rglob("*")) if f.is_file() and not f.name.endswith(".lock")]


def notebook_cells(name: str) -> list[dict]:
    """The cells of book/``name``, as stored."""
    return json.loads((ROOT / "book" / name).read_text(encoding="utf-8"))["cells"]


def stage_inputs(common: str, run) -> dict:
    """{stage: digest of its inputs} for the trainings and each notebook, as things are now."""
    state = checkpoints_state()
    results = paths.results_dir(run)
    read = [(f.name, hashlib.sha256(f.read_bytes()).hexdigest()) for f in sorted(results.glob("*.json"))
            if f.name != gankit.results.METRICS_FILE] if results.is_dir() else []
    stages = {"training": _digest(common, state)}
    for name in NOTEBOOKS:
        cells = [c.get("source") for c in notebook_cells(name)]
        stages[name] = _digest(common, state, read, cells)
    return stages


def environment() -> dict:
    env = dict(os.environ)
    data = env.get(settings.DATA_ENV)
    if data and data not in ("auto", "builtin", "download") and Path(data).exists():
        env[settings.DATA_ENV] = str(Path(data).resolve())  # the notebooks run in book/
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "codes"), env.get("PYTHONPATH", "")])
    return env


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


class Job(NamedTuple):
    """One process of make figures: a training, the classifier, or a notebook."""
    name: str  # what the progress lines call it; its key in TIMES
    command: list
    env: dict
    log: Path
    needs: frozenset = frozenset()  # the jobs that must have finished before it starts
    epochs: int = 0  # a training's epochs, for its progress line


def training_jobs(env: dict, retrain: bool) -> list[Job]:
    """The trainings of PRETRAIN, one thread each, and the score card's classifier."""
    one_thread = {**env, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TQDM_DISABLE": "1"}
    # the book's order reversed (listing 11, 10, 09, 08): the longest first before any run has timed them
    jobs = [Job(what, [sys.executable, str(ROOT / "codes" / listing), "--epochs", str(epochs),
                       "--out", str(paths.LOG_DIR / "figures")] + (["--retrain"] if retrain else []),
                one_thread, paths.LOG_DIR / f"{listing[:-3]}.log", epochs=epochs)
            for listing, epochs, what in reversed(PRETRAIN)]
    # trained once for the data (one thread, see gankit/classifier.py), before the notebooks that score
    jobs.append(Job(CLASSIFIER, [sys.executable, "-m", "gankit.classifier"], one_thread,
                    paths.LOG_DIR / "classifier.log"))
    return jobs


def notebook_needs(name: str) -> frozenset:
    """The jobs a notebook loads the results of: the trainings of the listings its cells name, and
    the classifier when it scores generators (``gankit.scorecard``)."""
    code = "\n".join("".join(c.get("source", "")) for c in notebook_cells(name) if c.get("cell_type") == "code")
    needs = {what for listing, _, what in PRETRAIN if listing[:-3] in code}
    return frozenset(needs | ({CLASSIFIER} if "scorecard" in code else set()))


def notebook_job(name: str, run, env: dict) -> Job:
    """Executing book/``name`` in a process of its own (``--notebook``), written to the run's folder."""
    return Job(name, [sys.executable, str(Path(__file__).resolve()), "--notebook", name,
                      "--into", str(paths.notebook_dir(run))],
               env, paths.LOG_DIR / f"{name.removesuffix('.ipynb')}.log", needs=notebook_needs(name))


def critical_paths(jobs: list[Job], times: dict) -> dict:
    """{job: the seconds from its start to the end of the longest chain of jobs that wait for it},
    from the last run's times (a job never timed counts 1 s)."""
    after = {job.name: [j for j in jobs if job.name in j.needs] for job in jobs}
    chain = {}

    def length(job: Job) -> float:
        if job.name not in chain:
            chain[job.name] = times.get(job.name, 1.0) + max((length(j) for j in after[job.name]), default=0.0)
        return chain[job.name]

    for job in jobs:
        length(job)
    return chain


def start_order(jobs: list[Job], times: dict) -> list[Job]:
    """``jobs`` in the order they start when ready: the longest chain first, then as listed."""
    chain = critical_paths(jobs, times)
    return sorted(jobs, key=lambda job: -chain[job.name])  # sorted() keeps the listed order of equals


class JobFailed(RuntimeError):
    """A training or notebook ended with an error; the message says which, and why."""


def failure(job: Job, code: int) -> str:
    """Why ``job`` failed: a notebook's own error line, or a training's last lines."""
    text = job.log.read_text(errors="replace") if job.log.is_file() else ""
    errors = [line.removeprefix("error: ") for line in text.splitlines() if line.startswith("error: ")]
    if job.name in NOTEBOOKS and errors:
        return errors[-1]
    return (f"{job.name} failed (exit {code}); see {paths.relative(job.log)}:\n"
            + "\n".join(text.splitlines()[-5:]))


def run_jobs(jobs: list[Job], times: dict) -> None:
    """Run ``jobs`` in parallel processes, at most one per core, each as soon as the jobs it needs have
    finished, the longest chain first (so that the last to finish is not a long one started late);
    a progress line when a training finishes an epoch, or each minute. A job that fails stops the
    others (a training resumes from its last finished epoch) and raises JobFailed."""
    cores = max(1, os.cpu_count() or 1)
    paths.LOG_DIR.mkdir(parents=True, exist_ok=True)
    names = {job.name for job in jobs}
    waiting = start_order(jobs, times)
    running, done = {}, set()
    last_counts, last_print, last_look = [], time.perf_counter(), 0.0
    while waiting or running:
        for job in [j for j in waiting if (j.needs & names) <= done][:cores - len(running)]:
            waiting.remove(job)
            log = open(job.log, "w")
            estimate = f", last time {minutes(times[job.name])}" if job.name in times else ""
            what = f"{job.epochs} epochs" if job.epochs else "running"
            print(f"{kind(job)}: {shown(job)} ({what}{estimate}; log {paths.relative(job.log)})", flush=True)
            process = subprocess.Popen(job.command, stdout=log, stderr=subprocess.STDOUT, env=job.env, cwd=ROOT)
            running[job.name] = (job, process, log, time.perf_counter())
        if not running:
            raise RuntimeError(f"jobs that wait for jobs that are not there: {[j.name for j in waiting]}")
        time.sleep(JOB_POLL_SECONDS)
        for name, (job, process, log, began) in list(running.items()):
            if process.poll() is None:
                continue
            log.close()
            del running[name]
            if process.returncode != 0:
                for other, process_, log_, _ in running.values():
                    process_.terminate()
                    process_.wait()
                    log_.close()
                    print(f"{kind(other)}: {shown(other)} stopped" + (
                        " (it resumes from its last finished epoch)" if other.epochs else ""), flush=True)
                raise JobFailed(failure(job, process.returncode))
            elapsed = time.perf_counter() - began
            text = job.log.read_text(errors="replace")
            whole = "检查点：已保存" in text and "继续训练" not in text  # a training from its first epoch
            if not job.epochs or whole:
                times[name] = elapsed  # the estimate for the next run
            print(f"{kind(job)}: {shown(job)} done in {minutes(elapsed)}", flush=True)
            done.add(name)
        if time.perf_counter() - last_look < LOOK_SECONDS:
            continue
        last_look = time.perf_counter()
        states = [training_state(job, time.perf_counter() - began, times)
                  for job, _, _, began in running.values() if job.epochs]
        counts = re.findall(r" (\d+)/\d+ epochs", " ".join(states))
        if states and (counts != last_counts or time.perf_counter() - last_print > PROGRESS_SECONDS):
            print("training: " + "; ".join(states), flush=True)  # when an epoch has finished, or each minute
            last_counts, last_print = counts, time.perf_counter()


def kind(job: Job) -> str:
    """What a progress line about ``job`` starts with."""
    return "notebook" if job.name in NOTEBOOKS else "training" if job.epochs else "classifier"


def shown(job: Job) -> str:
    """How a progress line names ``job``: a notebook by its path."""
    return f"book/{job.name}" if job.name in NOTEBOOKS else job.name


def training_state(job: Job, elapsed: float, times: dict) -> str:
    """'卷积 GAN 3/8 epochs, about 9.1 min left' from the training's log."""
    text = job.log.read_text(errors="replace")
    finished = max([int(n) for n in re.findall(r"epoch(\d+)\.pt", text)] or [0])
    fresh = len(re.findall(r"检查点：已保存", text))
    left = ""
    if finished >= job.epochs:  # trained, or loaded from its checkpoints: what is left takes seconds
        left = ""
    elif fresh:
        left = f", about {minutes(elapsed / fresh * (job.epochs - finished))} left"
    elif times.get(job.name):  # the epochs not yet loaded, at the last whole training's pace
        left = f", about {minutes(times[job.name] * (job.epochs - finished) / job.epochs)} left (last run's pace)"
    return f"{job.name} {finished}/{job.epochs} epochs{left}"


class NotebookError(RuntimeError):
    """A cell of a notebook ended in an error (also one that ``%run`` caught and printed)."""


def notebook_errors(nb) -> list[str]:
    """'code cell N: ExceptionName: message' for each error output of an executed notebook; for a
    script that exited (``SystemExit``), the last line it wrote to stderr, which says why."""
    found = []
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        stderr = [line for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"
                  for line in o.get("text", "").splitlines() if line.strip()]
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                why = (o.get("evalue") or "").strip().splitlines()[:1]
                if o.get("ename") == "SystemExit" and stderr:
                    why = [stderr[-1].strip()]
                found.append(f"code cell {number}: {o.get('ename', 'error')}: {''.join(why)}")
    return found


def execute(notebook: Path, out: Path, env: dict) -> None:
    """Run ``notebook`` (in book/, where its %run paths point) and write it with its outputs to ``out``."""
    import nbformat
    from nbclient import NotebookClient
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    nb = nbformat.read(notebook, as_version=4)
    old = dict(os.environ)
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=None, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    except CellExecutionError as err:
        why = (err.evalue or "").strip().splitlines()[:1]
        raise NotebookError(f"{notebook.name}: {err.ename}: {''.join(why)}; the notebook was not written") from None
    except (DeadKernelError, NoSuchKernel) as err:  # e.g. a kernel the system stopped for memory
        raise NotebookError(f"{notebook.name}: the kernel stopped ({type(err).__name__}); "
                            "the notebook was not written") from None
    finally:
        os.environ.clear()
        os.environ.update(old)
    failed = notebook_errors(nb)  # before stderr goes: it says why a script exited
    for cell in nb.cells:  # progress bars and warnings (stderr) show while running, not in the book
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    if failed:  # %run shows a listing's exception as an output without failing the cell: never store it
        raise NotebookError(f"{notebook.name}: {failed[0]}; the notebook was not written")
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)


def run_notebook(name: str, into: Path) -> int:
    """A notebook job (``--notebook``): execute book/``name`` into ``into``; 1 after one error line."""
    try:
        execute(ROOT / "book" / name, into / name, dict(os.environ))
    except NotebookError as err:
        print(f"error: {err}. Fix the code it runs, then run make figures again.", file=sys.stderr)
        return 1
    return 0


def check_outputs(run) -> int:
    """The folders this run writes and the metrics file the notebooks merge into, checked before any
    training; 0 when all is well, else the exit status after one line (2: a folder; 1: a file)."""
    folders = {paths.figure_dir(run): settings.FIGURES_ENV, paths.results_dir(run): settings.RESULTS_ENV,
               paths.CHECKPOINT_DIR: settings.CHECKPOINTS_ENV}
    try:
        for folder, setting in folders.items():
            gankit.storage.check_writable(folder, f"${setting}")
        gankit.storage.check_writable(paths.notebook_dir(run), "the run's notebook folder")
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        gankit.read_metrics(paths.results_dir(run))
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    safe_output()  # before --help: it prints Chinese
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retrain", action="store_true", help="train every GAN again from scratch")
    parser.add_argument("--reference", action="store_true",
                        help=f"maintainers: rewrite the book's reference (full MNIST, seed 0; ${settings.REFERENCE_ENV}=1)")
    parser.add_argument("--notebook", help=argparse.SUPPRESS)  # make figures' own job: one notebook,
    parser.add_argument("--into", type=Path, help=argparse.SUPPRESS)  # written into this folder
    args = parser.parse_args()
    if args.notebook:
        return run_notebook(args.notebook, args.into)
    if args.reference:
        os.environ[settings.REFERENCE_ENV] = "1"  # for this process, the trainings and the notebooks
    try:
        settings.check()
    except CLEAR_ERRORS as err:  # exit status 2: a setting; 1: a file or the data
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        seed = settings.seed()
        data = gankit.load_mnist(settings.data_source(), quiet=True)
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    run = paths.run_name(data, seed)
    if run is not None and settings.reference():  # asked to rewrite the book with other data: refused
        print(f"error: ${settings.REFERENCE_ENV}=1 (REFERENCE=1) rewrites the book's reference, made from the "
              f"full MNIST with 随机数种子 0; this run is {run}. Fix: leave out REFERENCE=1 (the run then "
              f"writes to {paths.relative(paths.run_root(run))}).", file=sys.stderr)
        return 2
    status = check_outputs(run)  # before any training
    if status:
        return status
    where = ("the reference run (REFERENCE=1): rewrites the book's own figures, results and notebooks"
             if run is None else f"a run of its own in {paths.relative(paths.run_root(run))}, compared with the "
             f"book at the end (only make figures REFERENCE=1 rewrites the book); "
             f"build its book with: make book RUN={run}")
    print(f"make figures: {data.describe(where=True)} | seed {seed} | device {settings.device()} | engine auto\n"
          f"outputs: {where}", flush=True)
    if data.is_subset:
        print(gankit.data.BUILTIN_NOTICE, flush=True)
    env = environment()
    times = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    start = time.perf_counter()
    memory = paths.LOG_DIR / f"make_figures_inputs-{run or 'reference'}.json"
    common = _digest(sources_digest(), data.key(), settings.data_source(), seed, settings.device(),
                     settings.reference(), bool(paths.QUICK))
    # a missing figure, or an unreadable memory (it is only a cache), runs everything
    complete = all((paths.figure_dir(run) / f"{f}.png").exists() for f in FIGURES)
    last = gankit.storage.read_memory(memory) if complete and not args.retrain else {}
    now = stage_inputs(common, run)
    trainings = last.get("training") != now["training"]
    if trainings:  # they change what every notebook loads: then every notebook runs again
        jobs = training_jobs(env, args.retrain)
    else:
        jobs = []
        print("training: skipped (the code, the settings and the checkpoints are those of the last run)", flush=True)
    for name in NOTEBOOKS:
        if not trainings and last.get(name) == now[name] and (paths.notebook_dir(run) / name).is_file():
            print(f"notebook: book/{name} skipped (nothing it depends on changed)", flush=True)
        else:
            jobs.append(notebook_job(name, run, env))
    try:
        run_jobs(jobs, times)
    except JobFailed as err:
        print(f"error: {err}", file=sys.stderr)
        memory.unlink(missing_ok=True)  # the next run does everything again
        return 1
    gankit.storage.write_json(TIMES, times, digits=1)
    figures = paths.figure_dir(run)
    missing = [f for f in FIGURES if not (figures / f"{f}.png").exists()]
    if missing:
        print(f"error: missing figures in {paths.relative(figures)}: {', '.join(missing)}", file=sys.stderr)
        memory.unlink(missing_ok=True)  # the next run does everything again
        return 1
    gankit.storage.write_json(memory, stage_inputs(common, run), digits=None)  # what this run ended with
    print(f"all {len(FIGURES)} figures in {paths.relative(figures)}; total {minutes(time.perf_counter() - start)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
