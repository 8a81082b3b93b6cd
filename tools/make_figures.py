"""`make figures`: train what is missing (in parallel), run the notebooks, check every figure.

1. The first GAN (10 epochs, saving every epoch) and the improved GAN (10 epochs)
   are independent, so they train at the same time in two processes with one
   thread each when the machine has two or more cores. Existing checkpoints are
   loaded instead (``--retrain`` or ``RETRAIN=1`` trains again).
2. The notebooks in book/ are executed in place, so their stored outputs
   are those of this run; they load the checkpoints and write the figures.
3. Every expected figure must exist afterwards.

Settings as everywhere: GANBOOK_DATA, GANBOOK_DEVICE, GANBOOK_SEED, GANBOOK_QUICK.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

import gankit  # noqa: E402

from gankit import catalog  # noqa: E402

NOTEBOOKS = catalog.notebooks()
# every figure of the chapter but those of a long experiment (2-69: make remedies)
FIGURES = [name for name, f in catalog.FIGURES.items() if not f.made_by.startswith("make ")]
PRETRAIN = [["chapter_2_3_2_08.py", "--epochs", "10"], ["chapter_2_3_2_09.py", "--epochs", "10"]]


def environment() -> dict:
    env = dict(os.environ)
    data = env.get("GANBOOK_DATA")
    if data and data not in ("auto", "builtin", "download") and Path(data).exists():
        env["GANBOOK_DATA"] = str(Path(data).resolve())  # the notebooks run in book/
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "codes"), env.get("PYTHONPATH", "")])
    return env


def pretrain(env: dict, retrain: bool) -> None:
    parallel = (os.cpu_count() or 1) >= 2
    threads = "1" if parallel else str(os.cpu_count() or 1)
    logs = ROOT / "_build" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    jobs = []
    for listing, *flags in PRETRAIN:
        cmd = [sys.executable, str(ROOT / "codes" / listing), *flags, "--out", str(logs / "figures")]
        if retrain:
            cmd.append("--retrain")
        log = open(logs / f"{listing[:-3]}.log", "w")
        print("training:", " ".join(cmd[1:]), f"(log: {os.path.relpath(log.name, ROOT)})", flush=True)
        job = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                               env={**env, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads})
        jobs.append((listing, job, log))
        if not parallel:
            job.wait()
    for listing, job, log in jobs:
        if job.wait() != 0:
            log.close()
            sys.exit(f"{listing} failed; see {log.name}")
        log.close()


def execute(notebook: Path, env: dict) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    old = dict(os.environ)
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=None, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    nbformat.write(nb, notebook)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--retrain", action="store_true", help="train every GAN again from scratch")
    args = parser.parse_args()
    env = environment()
    start = time.perf_counter()
    pretrain(env, args.retrain)
    trained = time.perf_counter()
    print(f"training done in {trained - start:.0f} s", flush=True)
    for name in NOTEBOOKS:
        t0 = time.perf_counter()
        execute(ROOT / "book" / name, env)
        print(f"executed book/{name} in {time.perf_counter() - t0:.0f} s", flush=True)
    missing = [f for f in FIGURES if not (gankit.FIGURE_DIR / f"{f}.png").exists()]
    if missing:
        sys.exit(f"missing figures in {gankit.FIGURE_DIR}: {', '.join(missing)}")
    print(f"all {len(FIGURES)} figures in {os.path.relpath(gankit.FIGURE_DIR, ROOT)}; "
          f"total {time.perf_counter() - start:.0f} s (training {trained - start:.0f} s)")


if __name__ == "__main__":
    main()
