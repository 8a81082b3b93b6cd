"""Where ``--device auto`` trains each model of the book: the CPU for the models trained one sample
at a time (the fast engine's home), a GPU for the mini-batch models. Tested with a fake CUDA."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from script_module import load_script
import torch

from gankit import cli, device
from gankit.root import book_models

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fake_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)


def test_each_model_of_the_manifest_has_a_way_of_training():
    kinds = {m["name"]: cli.trainer_of(m["listing"]) for m in book_models()}
    assert kinds["gan"] == kinds["improved-gan"] == kinds["d-test"] == device.PER_SAMPLE
    assert kinds["feature-matching"] == kinds["conv-gan"] == device.BATCHES
    assert cli.trainer_of("/somewhere/codes/chapter_2_3_2_11.py") == device.BATCHES  # by file name
    assert cli.trainer_of("my_own_gan.py") is None


def test_auto_keeps_per_sample_models_on_the_cpu_when_a_gpu_is_present(fake_cuda):
    chosen, why = device.pick_device("auto", device.PER_SAMPLE)
    assert chosen.type == "cpu" and "逐个样本" in why and "--device cuda" in why


@pytest.mark.parametrize("trainer", [device.BATCHES, None])
def test_auto_puts_mini_batch_and_unknown_models_on_the_gpu(fake_cuda, trainer):
    chosen, why = device.pick_device("auto", trainer)
    assert chosen.type == "cuda" and why


def test_an_explicit_device_is_kept_whatever_the_model(fake_cuda):
    assert device.pick_device("cuda", device.PER_SAMPLE) == (torch.device("cuda"), "由 --device 指定")
    assert device.pick_device("cpu", device.BATCHES)[0].type == "cpu"


def test_without_a_gpu_every_model_trains_on_the_cpu_and_nothing_needs_explaining(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device, "_mps_available", lambda: False)
    for trainer in (device.PER_SAMPLE, device.BATCHES, None):
        assert device.pick_device("auto", trainer) == (torch.device("cpu"), "")


def test_a_listing_run_says_where_it_trains_and_why(fake_cuda, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "set_default_device", lambda chosen: chosen)  # no CUDA to make the default
    args = cli.parse_args("test", epochs=1, argv=["--data", "builtin", "--checkpoints", str(tmp_path / "c"),
                                                  "--out", str(tmp_path / "f")],
                          engine=True, listing="codes/chapter_2_3_2_08.py")
    assert args.run.device.type == "cpu" and "逐个样本" in args.run.device_why
    args = cli.parse_args("test", epochs=1, argv=["--data", "builtin", "--checkpoints", str(tmp_path / "c"),
                                                  "--out", str(tmp_path / "f")],
                          listing="codes/chapter_2_3_2_11.py")
    assert args.run.device.type == "cuda" and "小批量" in args.run.device_why


@pytest.fixture(scope="module")
def bench():
    """bench/bench_devices.py, loaded as a module."""
    return load_script(ROOT / "bench" / "bench_devices.py", "bench_devices")


def test_the_bench_table_marks_whether_auto_took_the_fastest_column(bench):
    cols = ["cpu-listing", "cpu-fast", "cuda-listing"]
    rows = {"gan": {"label": "第一个 GAN", "cells": {"cpu-listing": (3.0, 2.2), "cpu-fast": (0.2, 0.2),
                                                     "cuda-listing": (1.5, 1.5)},
                    "fastest": "cpu-fast", "auto": "cpu-fast", "book_minutes": 2.0},
            "conv-gan": {"label": "卷积 GAN", "cells": {"cpu-listing": (75.0, 50.0), "cpu-fast": None,
                                                       "cuda-listing": (2.0, 2.0)},
                         "fastest": "cuda-listing", "auto": "cpu-listing", "book_minutes": 1.0}}
    text = bench.table({"columns": cols, "rows": rows, "machine": "test", "measured": "now", "load": [0.0]})
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert "CUDA 书中代码" in lines[0]
    assert lines[1].rstrip(" |").endswith("是") and lines[2].rstrip(" |").endswith("否")
    assert "| 75.000（50.000） |" in lines[2].replace("  ", " ") or "75.000（50.000）" in lines[2]
    assert "–" in lines[2]  # no fast engine for a mini-batch model


def test_the_recorded_bench_table_is_the_recorded_measurement(bench):
    result = json.loads((ROOT / "results" / bench.NUMBERS).read_text(encoding="utf-8"))
    assert (ROOT / "results" / "tables" / bench.TABLE).read_text(encoding="utf-8") == bench.table(result)
    assert set(result["rows"]) == {m["name"] for m in book_models()}  # every model of the book, once
