"""Do the batched trainings repeat bit for bit? Each one run twice from scratch, files compared.

Runs the digit classifier of the score card, listing 10 and listing 11 (small: built-in data,
few images and epochs) twice each, in fresh folders, with the CPU pins of ``gankit/cpu.py``
(``--pinned``) or with the libraries' own choices (``--unpinned``: the variables removed, the
threads torch picks), and prints for each training whether its checkpoints and figures are
byte-identical across the two runs, with the CPU seconds each run took::

    python3 tools/check_reproducible.py --pinned --unpinned

Two runs on one machine say nothing about another CPU; ``gankit/cpu.py`` says what the pins
promise across CPUs and why.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

from gankit.cpu import PINNED  # noqa: E402  (importing it pins this process: the children choose their own)

SHORT, SHORTEST = "2", "1"  # epochs of these small check runs (not the book's: the manifest has those)
TRAININGS = {  # name: command, {folder flag: folder name}
    "classifier (2 epochs, 4,000 images)": (["-m", "gankit.classifier", "--data", "builtin", "--epochs", SHORT,
                                             "--retrain"], {}),
    "listing 10 (2 epochs, 1,000 images)": ([str(ROOT / "codes" / "chapter_2_3_2_10.py"), "--data", "builtin",
                                            "--limit", "1000", "--epochs", SHORT], {"--out": "figures"}),
    "listing 11 (1 epoch, 500 images)": ([str(ROOT / "codes" / "chapter_2_3_2_11.py"), "--data", "builtin",
                                         "--limit", "500", "--epochs", SHORTEST], {"--out": "figures"}),
}


def digests(folder: Path) -> dict:
    """sha256 of each file; for a checkpoint also of its tensors alone (a file also records training times)."""
    found = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".lock"):
            found[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest(),
                                                 tensors_digest(p) if p.suffix == ".pt" else None)
    return found


def tensors_digest(path: Path) -> str:
    """sha256 of every tensor in a checkpoint (weights, optimiser states, random-number states), in order."""
    import torch

    digest = hashlib.sha256()

    def walk(value, key=""):
        if isinstance(value, torch.Tensor):
            digest.update(key.encode() + value.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes())
        elif isinstance(value, dict):
            for k in sorted(value, key=str):
                walk(value[k], f"{key}/{k}")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{key}/{i}")

    walk(torch.load(path, map_location="cpu", weights_only=True))
    return digest.hexdigest()


def run_once(command, folders, env, where: Path) -> tuple[dict, float]:
    argv = list(command)
    for flag, name in folders.items():
        argv += [flag, str(where / name)]
    env = dict(env, GANBOOK_CHECKPOINTS=str(where / "checkpoints"), TQDM_DISABLE="1",
               PYTHONPATH=str(ROOT / "codes"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return digests(where), cpu


def environment(pinned: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in PINNED and k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    if pinned:
        env.update(PINNED, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    else:  # gankit pins on import where a variable is unset: the libraries' own choice, said explicitly
        # (ATen: the best this CPU has; naming a capability it lacks would crash it)
        best = "avx512" if "avx512f" in Path("/proc/cpuinfo").read_text() else "avx2"
        env.update(ATEN_CPU_CAPABILITY=best, ONEDNN_MAX_CPU_ISA="ALL", DNNL_MAX_CPU_ISA="ALL", MKL_CBWR="AUTO")
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pinned", action="store_true", help="with gankit/cpu.py's pins and one thread")
    parser.add_argument("--unpinned", action="store_true", help="with the libraries' own choices")
    args = parser.parse_args(argv)
    variants = [v for v, on in (("pinned", args.pinned), ("unpinned", args.unpinned)) if on] or ["pinned"]
    start = time.perf_counter()
    for variant in variants:
        for name, (command, folders) in TRAININGS.items():
            with tempfile.TemporaryDirectory(prefix="reproducible-") as tmp:
                runs = [run_once(command, folders, environment(variant == "pinned"), Path(tmp) / str(i))
                        for i in (1, 2)]
            (first, cpu1), (second, cpu2) = runs
            names = sorted(set(first) | set(second))
            same = [k for k in names if first.get(k) == second.get(k)]
            tensors = [k for k in names if k not in same and first.get(k, (0, 0))[1]
                       and first.get(k, (0, 1))[1] == second.get(k, (0, 2))[1]]
            other = [k for k in names if k not in same and k not in tensors]
            print(f"{variant}: {name}: {len(same)} of {len(names)} files byte-identical"
                  + (f"; {len(tensors)} checkpoint(s) with identical tensors, the file differing in the "
                     f"recorded times: {', '.join(tensors)}" if tensors else "")
                  + (f"; differ: {', '.join(other)}" if other else "")
                  + f" (CPU {cpu1:.0f} s and {cpu2:.0f} s)", flush=True)
    print(f"wall time {time.perf_counter() - start:.0f} s; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
