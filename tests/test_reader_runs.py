"""A reader's run never rewrites the reference: only full MNIST with 随机数种子 0 writes the book's files."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gankit
from gankit import paths, settings

ROOT = Path(__file__).resolve().parents[1]
TRACKED = [ROOT / "_static", ROOT / "results", ROOT / "book"]


def snapshot() -> dict:
    """sha256 of every file under the folders the reference run owns."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in TRACKED for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def not_quick(monkeypatch):
    monkeypatch.setattr(paths, "QUICK", False)


def test_run_names(not_quick, full_data, monkeypatch):
    full = gankit.load_mnist(full_data, quiet=True)
    assert full.is_full_mnist
    monkeypatch.delenv(settings.REFERENCE_ENV, raising=False)
    assert paths.run_name(full, seed=0) == "idx60000-seed0"  # a reader's full MNIST: a run of its own
    monkeypatch.setenv(settings.REFERENCE_ENV, "1")
    assert paths.run_name(full, seed=0) is None  # the reference configuration, asked for by a maintainer
    assert paths.run_name(full, seed=1) == "idx60000-seed1"
    assert paths.run_name(full, seed=0, limit=100) == "idx100-seed0"
    assert paths.figure_dir(None) == ROOT / "_static" / "2" / "2.3"
    assert paths.results_dir("idx60000-seed1") == ROOT / "_build" / "runs" / "idx60000-seed1" / "results"


def test_built_in_data_is_never_the_reference(not_quick, builtin_train):
    assert not builtin_train.is_full_mnist
    assert paths.run_name(builtin_train, seed=0) == "builtin4000-seed0"


def test_the_quick_configuration_is_never_the_reference(monkeypatch, full_data):
    monkeypatch.setattr(paths, "QUICK", True)
    assert paths.run_name(gankit.load_mnist(full_data, quiet=True), seed=0) == "idx60000-seed0"


def test_a_quick_listing_run_and_make_bench_leave_the_reference_alone(tmp_path):
    before = snapshot()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "codes"), TQDM_DISABLE="1", GANBOOK_QUICK="0",
               GANBOOK_CHECKPOINTS=str(tmp_path / "ck"))
    for command in ([str(ROOT / "codes" / "chapter_2_3_2_08.py"), "--data", "builtin", "--limit", "50"],
                    [str(ROOT / "bench" / "bench_training.py"), "--listing-iters", "5", "--fast-iters", "5",
                     "--warmup", "1"]):
        result = subprocess.run([sys.executable, *command], capture_output=True, text=True, timeout=300,
                                env=env, cwd=ROOT)
        assert result.returncode == 0, result.stderr[-2000:]
    assert snapshot() == before, "a reader's run changed the reference's files"
    assert (ROOT / "_build" / "runs" / "builtin50-seed0" / "_static" / "2" / "2.3" / "2-62.png").is_file()
