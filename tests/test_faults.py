"""Fault injection: every fault a reader can meet ends in one clear line or in correct work.

One test per case of the reliability probe. Each case asserts the exit status (or the
error raised), that no traceback is printed, that the message names the file or flag
and the fix, and that nothing finished was lost. Where a case has a right answer
instead of an error (gzipped files, CRLF line ends) the data loaded must equal the
plain file's. Entry points are called in this process where that tests the same
thing; a real script runs only where its exit status and stderr are the point.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from script_module import load_script
import torch

import gankit
from gankit import classifier, paths, settings
from gankit.checkpoints import CheckpointError, Checkpoints
from gankit.data import DataError, load_mnist
from gankit.storage import StorageError
from gankit.training import DivergedError

from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_08 import train_gan
from test_data import sample_rows, write_csv, write_idx

ROOT = Path(__file__).resolve().parents[1]
CODES = ROOT / "codes"


# ----------------------------------------------------------------------------- helpers
def blocked_folder(tmp_path) -> Path:
    """A folder nobody can create, whoever runs the tests (root too): its parent is a file."""
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "out"


def call(main, *args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of an entry point's ``main`` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(*args)
        except SystemExit as stop:
            code = stop.code
            if isinstance(code, str):  # sys.exit("message") prints it and exits with 1
                err.write(code + "\n")
                code = 1
    return (0 if code is None else code), out.getvalue(), err.getvalue()


def assert_one_clear_line(code: int, stderr: str, expected_code: int, *words: str):
    """The exit status, no traceback, one line of error, and the words (file/flag and fix) in it."""
    assert code == expected_code, stderr
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    for word in words:
        assert word in lines[0], (word, lines[0])



@pytest.fixture(scope="module")
def scripts():
    """The tools' entry points: make figures and the benchmark, imported (not run)."""
    os.environ.setdefault("TQDM_DISABLE", "")  # the benchmark sets it only when unset
    return {"make_figures": load_script(ROOT / "tools" / "make_figures.py", "make_figures"),
            "bench": load_script(ROOT / "bench" / "bench_training.py", "bench_training")}


def listing_main(argv):
    """A training listing's flags, parsed as its ``__main__`` does (listing 08's: --epochs, --engine)."""
    gankit.parse_args("listing", epochs=1, engine=True, argv=argv)
    return 0


def make_figures_main(module, argv=()):
    old = sys.argv
    sys.argv = ["make_figures.py", *argv]
    try:
        return module.main()
    finally:
        sys.argv = old


def entry_points(scripts) -> dict:
    """Every command a reader runs, as ``argv -> exit status``; none may do work before its checks."""
    from experiments import ablation, evaluate

    from experiments import hopping

    return {
        "listings (gankit.parse_args)": listing_main,
        "python -m experiments.ablation": ablation.main,
        "python -m experiments.hopping": hopping.main,
        "python -m experiments.evaluate": evaluate.main,
        "python -m gankit.classifier": classifier.main,
        "tools/make_figures.py": functools.partial(make_figures_main, scripts["make_figures"]),
        "bench/bench_training.py": scripts["bench"].main,
    }


@pytest.fixture(autouse=True)
def no_lasting_side_effects(monkeypatch):
    """parse_args installs the scripts' one-line excepthook; keep it to this test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


@pytest.fixture
def no_work(monkeypatch, scripts):
    """Training, scoring and measuring are the work of the entry points: here they fail the test.
    (Loading the data is not: the output folders of a run depend on it.)"""
    from experiments import evaluate, grid

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the checks")

    from experiments import hopping

    for module, name in [(grid, "run_grid"), (grid, "train"), (classifier, "train_classifier"), (hopping, "measure"),
                         (evaluate, "build_reference"), (scripts["make_figures"], "run_jobs"),
                         (scripts["make_figures"], "execute"), (scripts["bench"], "listing_speed"),
                         (scripts["bench"], "fast_speed")]:
        monkeypatch.setattr(module, name, refuse)


def fresh(seed=3):
    torch.manual_seed(seed)
    return {"D": Discriminator(), "G": Generator()}


def weights(models) -> dict:
    return {f"{n}.{k}": v.clone() for n, m in models.items() for k, v in m.state_dict().items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def tiny():
    return MnistDataset("builtin", limit=20)


def gan_epoch(models, data):
    return lambda epoch: train_gan(models["D"], models["G"], data)


# ====================================================================== data
@pytest.mark.parametrize("case, change, words", [
    ("pixels scaled to 0-1", lambda rows: [[r[0]] + [v / 255 for v in r[1:]] for r in rows],
     ["row 1", "not scaled ones"]),
    ("fractional pixel", lambda rows: rows[:1] + [[rows[1][0], 12.5] + rows[1][2:]] + rows[2:],
     ["row 2", "12.5 is not a whole number"]),
    ("nan pixel", lambda rows: rows[:2] + [[rows[2][0], "nan"] + rows[2][2:]], ["row 3", "not a number"]),
    ("missing value", lambda rows: rows[:2] + [[rows[2][0], ""] + rows[2][2:]], ["row 3", "missing"]),
    ("binarised pixels", lambda rows: [[r[0]] + [int(v > 127) for v in r[1:]] for r in rows], ["0 or 1", "0-255"]),
])
def test_csv_that_would_train_silently_is_refused(tmp_path, case, change, words):
    path = write_csv(tmp_path / "mnist_train.csv", change(sample_rows(3)))
    with pytest.raises(DataError) as err:
        load_mnist(path)
    message = str(err.value)
    assert "mnist_train.csv" in message and "--data" in message  # the file and the fix
    for word in words:
        assert word in message, (case, message)


def test_idx_label_outside_0_9_is_refused_at_load(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.arange(20) % 10
    labels[7] = 12
    write_idx(tmp_path / "MNIST" / "raw", rng.integers(0, 256, (20, 28, 28)), labels)
    with pytest.raises(DataError) as err:  # before: the epoch ended at the bad sample, saved as finished
        load_mnist(tmp_path)
    message = str(err.value)
    assert "train-labels-idx1-ubyte" in message and "label 8" in message and "is 12" in message
    assert "Download it again" in message


def test_gzipped_idx_files_load_equal_to_the_plain_ones(tmp_path):
    rng = np.random.default_rng(1)
    images, labels = rng.integers(0, 256, (12, 28, 28)), np.arange(12) % 10
    plain = write_idx(tmp_path / "plain", images, labels)
    write_idx(plain, images[:4], labels[:4], prefix="test")
    packed = tmp_path / "packed" / "MNIST" / "raw"  # as the official files ship: *-ubyte.gz
    packed.mkdir(parents=True)
    for file in plain.iterdir():
        (packed / (file.name + ".gz")).write_bytes(gzip.compress(file.read_bytes()))
    for split in ("train", "test"):
        a, b = load_mnist(plain, split), load_mnist(tmp_path / "packed", split)
        assert torch.equal(a.labels, b.labels) and torch.equal(a.images, b.images)
    truncated = packed / "train-images-idx3-ubyte.gz"
    truncated.write_bytes(truncated.read_bytes()[:-50])
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz is not a complete gzip file.*Download"):
        load_mnist(tmp_path / "packed")


def test_gzipped_csv_loads_equal_to_the_plain_one(tmp_path):
    plain = write_csv(tmp_path / "mnist_train.csv", sample_rows(5))
    packed = tmp_path / "mnist_train.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a, b = load_mnist(plain), load_mnist(packed)
    assert torch.equal(a.labels, b.labels) and torch.equal(a.images, b.images)


def test_csv_with_crlf_line_ends_loads_equal_to_the_plain_one(tmp_path):
    plain = write_csv(tmp_path / "unix.csv", sample_rows(5))
    crlf = tmp_path / "windows.csv"
    crlf.write_bytes(plain.read_bytes().replace(b"\n", b"\r\n"))
    a, b = load_mnist(plain), load_mnist(crlf)
    assert torch.equal(a.labels, b.labels) and torch.equal(a.images, b.images)


def test_empty_csv_and_row_numbers_count_from_1(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv is empty: it holds no rows.*--data"):
        load_mnist(empty)
    rows = sample_rows(3)
    rows[2][0] = 11  # the third line of the file
    with pytest.raises(DataError, match=r"row 3: label 11 is not a digit"):
        load_mnist(write_csv(tmp_path / "third.csv", rows))


# ====================================================================== settings
def entry_point_files() -> list[Path]:
    """Every command of the project: a module of codes/ with a main(), and the tools and benchmark
    that read the project's settings."""
    files = [p for p in sorted(CODES.rglob("*.py")) if "def main(" in p.read_text(encoding="utf-8")]
    for path in sorted([*(ROOT / "tools").glob("*.py"), *(ROOT / "bench").glob("*.py")]):
        text = path.read_text(encoding="utf-8")
        uses_gankit = "import gankit" in text or "from gankit" in text
        if "def main(" in text and uses_gankit and re.search(r"settings\.\w+\(", text):
            files.append(path)
    return files


@pytest.mark.parametrize("path", entry_point_files(), ids=lambda p: p.name)
def test_every_entry_point_checks_the_settings_first(path):
    """gankit's import never fails on a malformed setting (QUICK falls back to off), so a command that
    skipped settings.check() would run silently in the wrong configuration."""
    text = path.read_text(encoding="utf-8")
    assert "settings.check()" in text or "grid.main(" in text, f"{path.name}: main() never calls settings.check()"


@pytest.mark.parametrize("value, words", [("abc", "not a whole number"), ("1.5", "not a whole number"),
                                          ("-1", "out of range"), (str(2**32), "out of range")])
def test_bad_seed_variable_is_one_line_at_every_entry_point(scripts, monkeypatch, no_work, value, words):
    monkeypatch.setenv(settings.SEED_ENV, value)
    for name, main in entry_points(scripts).items():
        code, _, err = call(main, [])
        assert_one_clear_line(code, err, 2, "$GANBOOK_SEED", words, "use an integer 0 to 4294967295"), name


@pytest.mark.parametrize("word, quick", [("False", False), ("off", False), ("NO", False), ("0", False),
                                         ("", False), ("On", True), ("yes", True), ("1", True)])
def test_quick_variable_reads_yes_and_no_words(monkeypatch, word, quick):
    monkeypatch.setenv(settings.QUICK_ENV, word)
    assert settings.quick() is quick  # before: any non-empty value, "off" too, switched quick mode on


def test_malformed_quick_variable_is_one_line_at_every_entry_point(scripts, monkeypatch, no_work):
    monkeypatch.setenv(settings.QUICK_ENV, "maybe")
    monkeypatch.setenv(settings.DATA_ENV, "builtin")  # then no default needs the quick setting: checked anyway
    for name, main in entry_points(scripts).items():
        code, _, err = call(main, [])
        assert_one_clear_line(code, err, 2, "$GANBOOK_QUICK='maybe'", "use 1 or 0"), name


def test_malformed_quick_variable_in_a_real_script_is_one_line():
    """The variable is read when gankit is imported: no traceback even there."""
    result = subprocess.run([sys.executable, str(CODES / "chapter_2_3_2_01.py")], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(CODES), settings.QUICK_ENV: "maybe"})
    assert_one_clear_line(result.returncode, result.stderr, 2, "$GANBOOK_QUICK", "use 1 or 0")


@pytest.mark.parametrize("argv, words", [
    (["--seed", "-1"], ["--seed", "out of range"]), (["--seed", str(2**32)], ["--seed", "out of range"]),
    (["--seed", "abc"], ["--seed", "not a whole number"]),
    (["--epochs", "0"], ["--epochs", "use 1 or more"]), (["--epochs", "-3"], ["--epochs", "use 1 or more"]),
    (["--limit", "0"], ["--limit", "use 1 or more"]), (["--limit", "-5"], ["--limit", "use 1 or more"]),
])
def test_bad_flag_values_are_refused(scripts, argv, words):
    from experiments import ablation

    commands = {"listing": listing_main, "experiment": ablation.main}
    if argv[0] in ("--epochs", "--seed"):
        commands["classifier"] = classifier.main
    for name, main in commands.items():
        flags = ["--seeds", *argv[1:]] if name == "experiment" and argv[0] == "--seed" else argv
        code, _, err = call(main, flags)
        assert code == 2 and "Traceback" not in err, (name, err)
        for word in words:
            assert word.replace("--seed", flags[0]) in err, (name, err)


def run_listing(listing: str, argv: list, monkeypatch) -> str:
    """A listing run as a script in this process; its stdout."""
    monkeypatch.setattr(sys, "argv", [listing, *argv])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(CODES / listing), run_name="__main__")
    return out.getvalue()


@pytest.mark.parametrize("listing, limit, printed", [("chapter_2_3_2_05.py", 2, "真实图像 1："),
                                                     ("chapter_2_3_2_09.py", 30, "D(真实图像)")])
def test_small_limit_does_not_crash_after_training(tmp_path, monkeypatch, listing, limit, printed):
    """Listing 05 printed 4 real images, listing 09 used 100: an IndexError after all the training."""
    argv = ["--data", "builtin", "--limit", str(limit), "--epochs", "1",
            "--checkpoints", str(tmp_path / "ck"), "--out", str(tmp_path / "fig")]
    out = run_listing(listing, argv + (["--engine", "listing"] if listing.endswith("09.py") else []), monkeypatch)
    assert printed in out
    assert "真实图像 2：" not in out  # only the images that exist
    assert len(list((tmp_path / "ck").rglob("epoch01.pt"))) == 1  # the training was saved


@pytest.mark.parametrize("flag, variable", [("--out", settings.FIGURES_ENV), ("--checkpoints", settings.CHECKPOINTS_ENV)])
def test_unwritable_folder_of_a_listing_is_found_before_any_work(tmp_path, no_work, flag, variable):
    blocked = blocked_folder(tmp_path)
    code, _, err = call(listing_main, [flag, str(blocked)])
    assert_one_clear_line(code, err, 2, f"{flag} (or ${variable})", str(blocked), "choose another folder")


def test_unwritable_folders_of_the_other_entry_points_are_found_before_any_work(scripts, tmp_path, monkeypatch,
                                                                                  no_work):
    from experiments import conv_gan, evaluate, hopping, remedies

    blocked = blocked_folder(tmp_path)
    cases = {
        "experiment --results": (remedies.main, ["--results", str(blocked)], "--results"),
        # the remedies draw no figure (2-69 is notebook 4's): an experiment that does
        "experiment --out": (conv_gan.main, ["--results", str(tmp_path / "r"), "--out", str(blocked)], "--out"),
        "experiment --checkpoints": (remedies.main, ["--results", str(tmp_path / "r"), "--checkpoints",
                                                     str(blocked)], "--checkpoints"),
        "evaluate --out": (evaluate.main, ["--out", str(blocked / "scores.json")], "--out"),
        "hopping --results": (hopping.main, ["--results", str(blocked)], "--results"),
    }
    for name, (main, argv, flag) in cases.items():
        code, _, err = call(main, argv)
        assert_one_clear_line(code, err, 2, flag, str(blocked)), name
    make_figures = functools.partial(make_figures_main, scripts["make_figures"])
    for name, main, argv, variable in [("make figures", make_figures, [], settings.FIGURES_ENV),
                                       ("make figures", make_figures, [], settings.RESULTS_ENV),
                                       ("bench --record", scripts["bench"].main, ["--record"], settings.RESULTS_ENV)]:
        with monkeypatch.context() as m:
            m.setenv(variable, str(blocked))
            code, _, err = call(main, argv)
        assert_one_clear_line(code, err, 2, f"${variable}", str(blocked)), name
    monkeypatch.setattr(paths, "CHECKPOINT_DIR", blocked)
    code, _, err = call(classifier.main, [])
    assert_one_clear_line(code, err, 2, f"${settings.CHECKPOINTS_ENV}", str(blocked))


# ====================================================================== runs and checkpoints
def test_retrain_keeps_the_earlier_run_until_its_first_epoch_is_saved(tmp_path, tiny):
    earlier = fresh()
    gankit.train_epochs("run", earlier, gan_epoch(earlier, tiny), 3, directory=tmp_path)
    ckpt = Checkpoints("run", tmp_path)
    before = {e: ckpt.path(e).read_bytes() for e in ckpt.epochs_saved()}

    def interrupted_in_epoch_1(epoch):
        raise KeyboardInterrupt

    log = []
    with pytest.raises(KeyboardInterrupt):
        gankit.train_epochs("run", fresh(5), interrupted_in_epoch_1, 3, retrain=True, directory=tmp_path, log=log.append)
    assert {e: ckpt.path(e).read_bytes() for e in ckpt.epochs_saved()} == before  # nothing finished was lost
    assert "the earlier run is kept as it was (3 epochs" in log[-1] and "leave out --retrain" in log[-1]

    again = fresh(5)
    train = gan_epoch(again, tiny)

    def interrupted_in_epoch_2(epoch):
        if epoch == 2:
            raise KeyboardInterrupt
        train(epoch)

    with pytest.raises(KeyboardInterrupt):
        gankit.train_epochs("run", again, interrupted_in_epoch_2, 3, retrain=True, directory=tmp_path, log=log.append)
    assert ckpt.epochs_saved() == [1]  # the new run's epoch 1; the earlier run's 2 and 3 are gone with it
    assert ckpt.path(1).read_bytes() != before[1] and list(ckpt.times()) == [1]
    assert "epoch 1 is saved" in log[-1] and "without --retrain to resume" in log[-1]  # the truth


def test_corrupt_newest_checkpoint_falls_back_to_the_newest_readable_epoch(tmp_path, tiny):
    straight = fresh()
    gankit.train_epochs("a", straight, gan_epoch(straight, tiny), 3, directory=tmp_path)
    broken = fresh()
    gankit.train_epochs("b", broken, gan_epoch(broken, tiny), 3, directory=tmp_path)
    ckpt = Checkpoints("b", tmp_path)
    ckpt.path(3).write_bytes(ckpt.path(3).read_bytes()[:1000])  # a torn file, as a crash could leave
    resumed, log = fresh(9), []
    torch.manual_seed(12345)
    gankit.train_epochs("b", resumed, gan_epoch(resumed, tiny), 3, directory=tmp_path, log=log.append)
    assert log[0].startswith(f"checkpoint {ckpt.path(3)} is unreadable")
    assert "resuming from epoch02.pt, the newest readable epoch" in log[0] and "--retrain" not in log[0]
    assert same(weights(resumed), weights(straight))  # epochs 1-2 kept, epoch 3 trained again exactly


def test_checkpoint_missing_its_rng_state_is_one_clear_error(tmp_path, tiny):
    models = fresh()
    gankit.train_epochs("run", models, gan_epoch(models, tiny), 2, directory=tmp_path)
    ckpt = Checkpoints("run", tmp_path)
    state = torch.load(ckpt.path(2), weights_only=True)
    del state["rng_cpu"]
    torch.save(state, ckpt.path(2))
    with pytest.raises(CheckpointError, match=r"epoch02\.pt has no random-number state.*Delete it"):
        ckpt.load(2, fresh())
    log, again = [], fresh()
    gankit.train_epochs("run", again, gan_epoch(again, tiny), 2, directory=tmp_path, log=log.append)
    assert "resuming from epoch01.pt" in log[0]  # and epoch 1, finished, is used
    assert same(weights(again), weights(models))


def test_training_that_diverges_stops_and_keeps_the_last_finite_epoch(tmp_path, tiny):
    models = fresh()
    train = gan_epoch(models, tiny)

    def diverges_in_epoch_3(epoch):
        train(epoch)
        if epoch == 3:
            with torch.no_grad():
                models["G"].model[2].weight[:5] = float("inf")

    with pytest.raises(DivergedError) as err:
        gankit.train_epochs("run", models, diverges_in_epoch_3, 4, directory=tmp_path)
    message = str(err.value)
    assert message.startswith("training diverged at epoch 3 (NaN or infinite weights: 1000)")
    assert "epochs 1-2 are saved" in message and "lower the learning rate" in message
    assert Checkpoints("run", tmp_path).epochs_saved() == [1, 2]  # nothing non-finite was saved


def test_diverged_training_in_a_real_script_exits_non_zero_with_one_line(tmp_path):
    script = tmp_path / "diverge.py"
    script.write_text(
        "import torch, gankit\n"
        "from chapter_2_3_2_03 import Discriminator\n"
        "args = gankit.parse_args('diverges', epochs=2)\n"
        "D = Discriminator()\n"
        "def one_epoch(epoch):\n"
        "    if epoch == 2:\n"
        "        with torch.no_grad():\n"
        "            D.model[0].weight[0, 0] = float('nan')\n"
        "gankit.train_epochs('diverges', {'D': D}, one_epoch, args.epochs, directory=args.checkpoints)\n")
    result = subprocess.run([sys.executable, str(script), "--epochs", "2", "--checkpoints", str(tmp_path / "ck"),
                             "--out", str(tmp_path / "fig")], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(CODES)})
    assert_one_clear_line(result.returncode, result.stderr, 1, "training diverged at epoch 2", "epoch 1 is saved")
    assert Checkpoints("diverges", tmp_path / "ck").epochs_saved() == [1]


def test_checkpoint_with_nan_weights_is_refused(tmp_path, tiny):
    models = fresh()
    gankit.train_epochs("run", models, gan_epoch(models, tiny), 1, directory=tmp_path)
    ckpt = Checkpoints("run", tmp_path)
    state = torch.load(ckpt.path(1), weights_only=True)
    state["models"]["G"]["weights"]["model.0.weight"][0] = float("nan")
    torch.save(state, ckpt.path(1))
    with pytest.raises(CheckpointError, match=r"epoch01\.pt holds NaN or infinite weights \(1\).*Delete it"):
        ckpt.load(1, {"G": Generator()}, restore_rng=False)  # as the score card and the figures load it


def waiting_log():
    """(event set once the log says it waits for another process's lock, the log, its log function)."""
    waiting, log = threading.Event(), []

    def logged(line):
        log.append(line)
        if "another process is training" in line:
            waiting.set()

    return waiting, log, logged


def test_a_second_process_on_the_same_run_waits_for_the_lock(tmp_path, tiny):
    import fcntl

    ckpt = Checkpoints("run", tmp_path)
    ckpt.folder.mkdir(parents=True)
    waiting, log, logged = waiting_log()
    epochs = []
    with open(ckpt.folder / ".lock", "a") as other:  # another process (its own open file) trains the run
        fcntl.flock(other, fcntl.LOCK_EX)
        thread = threading.Thread(target=gankit.train_epochs,
                                  args=("run", fresh(), epochs.append, 2), kwargs={"directory": tmp_path, "log": logged})
        thread.start()
        assert waiting.wait(60), log
        assert epochs == [] and ckpt.epochs_saved() == []  # it waits before loading or training anything
        fcntl.flock(other, fcntl.LOCK_UN)
    thread.join(60)
    assert epochs == [1, 2] and ckpt.epochs_saved() == [1, 2]
    assert "lock" in log[0] and "waiting for it to finish" in log[0]


def test_a_second_process_wanting_the_classifier_waits_and_loads_what_the_first_trained(tmp_path, monkeypatch):
    """Two runs that score at once (two workers of the test suite, two terminals) train it once."""
    import fcntl

    monkeypatch.setattr(classifier, "train_classifier", lambda *a, **k: pytest.fail("trained it a second time"))
    target = classifier.checkpoint_path(classifier.splits("builtin").train, 0, tmp_path)
    target.parent.mkdir(parents=True)
    waiting, log, logged = waiting_log()
    result = []

    def load():
        result.append(classifier.load_classifier("builtin", directory=tmp_path, log=logged))

    with open(target.with_name(target.name + ".lock"), "a") as other:  # the first process trains it
        fcntl.flock(other, fcntl.LOCK_EX)
        thread = threading.Thread(target=load)
        thread.start()
        assert waiting.wait(60), log
        torch.save({"weights": classifier.DigitClassifier().state_dict(),  # what the first one saves
                    "info": {"epochs": 1, "test_accuracy": 0.5}}, target)
        fcntl.flock(other, fcntl.LOCK_UN)
    thread.join(60)
    assert result and result[0].info["loaded"], log
    assert "waiting for it to finish" in log[0] and "trained meanwhile by another process" in log[-1]


def test_two_writers_never_tear_a_checkpoint(tmp_path):
    """Unique temporary files: before, a shared temporary name made os.replace fail and files tear."""
    ckpt = Checkpoints("run", tmp_path)
    errors, writers = [], {seed: fresh(seed) for seed in (1, 2)}  # made before the threads share the RNG

    def writer(seed):
        models = writers[seed]
        try:
            for _ in range(25):
                ckpt.save(1, models)
        except Exception as err:  # pragma: no cover - the failure this test looks for
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    loaded = fresh(7)
    ckpt.load(1, loaded)
    assert any(same(weights(loaded), weights(m)) for m in writers.values())  # one writer's file, whole
    assert sorted(p.name for p in ckpt.folder.iterdir()) == ["epoch01.pt"]  # no temporary file left


# ====================================================================== results files
def test_a_lock_that_cannot_be_written_is_one_clear_error(tmp_path):
    """The numbers of a notebook, or a classifier to train, in a folder that cannot be made."""
    (tmp_path / "a-file").write_text("not a folder")
    folder = tmp_path / "a-file" / "results"
    with pytest.raises(StorageError, match=r"could not write .*a-file/results/\.chapter_metrics\.json\.lock.*Fix:"):
        gankit.record_metrics(folder, seed=0)
    with pytest.raises(StorageError, match=r"could not write .*a-file/results/classifier/.*\.lock.*Fix:"):
        classifier.load_classifier("builtin", directory=folder, log=lambda line: None)


def test_two_notebooks_recording_numbers_at_once_lose_none(tmp_path):
    """chapter_metrics.json is read, changed and written back: each writer waits for the other."""
    def writer(first):
        for key in range(first, first + 10):
            gankit.record_metrics(tmp_path, **{f"m{key:02d}": key})

    threads = [threading.Thread(target=writer, args=(first,)) for first in range(0, 60, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert gankit.read_metrics(tmp_path) == {f"m{key:02d}": key for key in range(60)}


@pytest.fixture
def corrupt(tmp_path):
    def make(name: str) -> Path:
        path = tmp_path / "results" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"settings": {"data_key": "idx60000"}, "runs": [')  # cut short
        return path
    return make


def test_corrupt_chapter_metrics_stops_make_figures_before_training(scripts, corrupt, monkeypatch):
    metrics = corrupt("chapter_metrics.json")
    before = metrics.read_bytes()
    monkeypatch.setenv(settings.RESULTS_ENV, str(metrics.parent))
    for step in ("run_jobs", "execute"):
        monkeypatch.setattr(scripts["make_figures"], step, lambda *a: pytest.fail("work before the check"))
    with pytest.raises(StorageError, match=r"chapter_metrics\.json is unreadable or corrupt"):
        gankit.record_metrics(x=1.0)  # a notebook's call: the file is named
    code, _, err = call(make_figures_main, scripts["make_figures"])
    assert_one_clear_line(code, err, 1, str(metrics), "delete it and run make figures again")
    assert metrics.read_bytes() == before  # left as it was, to be restored


@pytest.mark.parametrize("experiment, broken", [("ablation", "ablation.json"), ("remedies", "remedies.json"),
                                                ("remedies", "ablation.json")])
def test_corrupt_results_file_is_one_clear_line(corrupt, no_work, experiment, broken):
    import importlib

    main = importlib.import_module(f"experiments.{experiment}").main
    path = corrupt(broken)
    for argv in (["--tables"], ["--quick", "--checkpoints", str(path.parent / "ck")]):
        code, _, err = call(main, [*argv, "--results", str(path.parent), "--out", str(path.parent / "fig")]
                            if experiment == "remedies" else [*argv, "--results", str(path.parent)])
        assert_one_clear_line(code, err, 1, str(path), "delete it and run python -m experiments."
                              + broken.removesuffix(".json"))
    assert path.read_text().endswith('"runs": [')  # not overwritten


def test_a_table_waits_for_its_group_s_first_finished_run(tmp_path):
    """Tables are rewritten after every finished run: one whose group has none yet is skipped, not a
    crash that ends the experiment (an IndexError when an ablation run finished before any seed run)."""
    from experiments import grid

    def needs_a_run(data):
        return f"{len(data['runs'])} runs"

    data = {"groups": {"seeds": {"runs_done": 0}, "ablation": {"runs_done": 1}}, "runs": []}
    written = grid.write_tables(data, {"seeds.md": (lambda d: [][0], "seeds"),
                                       "ablation.md": (needs_a_run, "ablation")}, tmp_path)
    assert [p.name for p in written] == ["ablation.md"]


def test_corrupt_classifier_checkpoint_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "CHECKPOINT_DIR", tmp_path)
    target = classifier.checkpoint_path(classifier.splits("builtin").train, 0)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"PK\x03\x04 torn")
    code, _, err = call(classifier.main, ["--data", "builtin"])
    assert_one_clear_line(code, err, 1, str(target), "is unreadable", "delete it", "--retrain")
    assert target.read_bytes() == b"PK\x03\x04 torn"


# ====================================================================== the browser
def test_browser_resolves_no_host_but_127_0_0_1(tmp_path, browser):
    """The browser test's Chromium: localhost (which needs no network) must not resolve, 127.0.0.1 must load."""
    from playwright.sync_api import Error as PlaywrightError
    from test_book import _QuietHandler

    (tmp_path / "index.html").write_text("<title>local</title>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        assert page.title() == "local"
        with pytest.raises(PlaywrightError, match="ERR_NAME_NOT_RESOLVED"):
            page.goto(f"http://localhost:{port}/")
    finally:
        page.close()
        server.shutdown()
        server.server_close()


# ====================================================================== routes, quoting, encodings, modes
def build_book_script():
    return load_script(ROOT / "tools" / "build_book.py", "build_book")


def run_build_book(module, argv):
    old = sys.argv
    sys.argv = ["build_book.py", *argv]
    try:
        return call(module.main)
    finally:
        sys.argv = old


def test_the_book_of_a_readers_run_is_laid_out_and_built(tmp_path, monkeypatch):
    """make figures ends with "build its book with: make book RUN=<name>": before, a FileNotFoundError
    (site/ was removed, then a file copied into it before it was made again)."""
    module = build_book_script()
    runs = tmp_path / "_build" / "runs"
    own_figure = runs / "builtin4000-seed0" / paths.FIGURES / "2-62.png"
    own_figure.parent.mkdir(parents=True)
    own_figure.write_bytes(b"the run's own figure")
    (runs / "builtin4000-seed0" / "site" / "stale").mkdir(parents=True)  # an earlier build's site
    monkeypatch.setattr(module.paths, "RUNS_DIR", runs)
    built = []
    monkeypatch.setattr(module, "build", lambda folder, env: built.append((folder, env)) or 0)
    code, out, err = run_build_book(module, ["--run", "builtin4000-seed0"])
    site = runs / "builtin4000-seed0" / "site"
    assert code == 0 and "Traceback" not in err, err
    assert built and built[0][0] == site and built[0][1]["GANBOOK_RUN"] == "builtin4000-seed0"
    assert (site / "_config.yml").read_bytes() == (ROOT / "_config.yml").read_bytes()
    assert (site / paths.FIGURES / "2-62.png").read_bytes() == b"the run's own figure"  # the run's, over the book's
    assert (site / "book" / "chapter_2_3_2.md").is_file() and not (site / "stale").exists()
    assert "make book" not in err and "the book of run builtin4000-seed0" in out


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "nested", "link"])
def test_make_book_refuses_a_run_outside_build_runs_and_deletes_nothing(tmp_path, monkeypatch, how):
    """Before: RUN=/some/folder removed /some/folder/site, outside the project, then crashed."""
    module = build_book_script()
    runs = tmp_path / "project" / "_build" / "runs"
    runs.mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    (outside / "site").mkdir(parents=True)
    (outside / "site" / "precious.txt").write_text("a reader's file")
    (runs / "ok-run").mkdir()
    monkeypatch.setattr(module.paths, "RUNS_DIR", runs)
    monkeypatch.setattr(module, "build", lambda folder, env: pytest.fail("built"))
    name = {"dot-dot": "../../../elsewhere", "absolute": str(outside), "nested": "ok-run/../../../../elsewhere",
            "link": "linked"}[how]
    if how == "link":
        (runs / "linked").symlink_to(outside, target_is_directory=True)
    code, _, err = run_build_book(module, ["--run", name])
    assert_one_clear_line(code, err, 2, name if how != "link" else "leads out of", "runs there: ")
    assert (outside / "site" / "precious.txt").read_text() == "a reader's file"


def make(*args, env=None, cwd=ROOT, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-s", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("variable", ["OUT", "MODEL", "N", "SEED", "RUN"])
def test_make_variables_reach_the_programs_as_values_never_as_shell_text(tmp_path, variable):
    """Before: OUT="x.npy' && touch pwned && echo '" ran the touch; an apostrophe broke the command."""
    pwned = tmp_path / "pwned"
    # quotes, ; and backquotes: shell syntax (a $ would be make's own syntax, expanded by make itself)
    attack = f"x.npz' && touch '{pwned}' && echo '; touch \"{pwned}\"; `touch {pwned}`"
    target = "book" if variable == "RUN" else "samples"
    # every other value usable; the attack is refused by its own check (argparse), so nothing is trained
    values = {"MODEL": "gan", "N": "1", "OUT": str(tmp_path / "it's.npy")}
    values[variable] = attack
    result = make(target, *[f"{k}={v}" for k, v in values.items()] if target == "samples" else [f"RUN={attack}"])
    assert not pwned.exists(), f"{variable}: the shell ran text of the value"
    assert result.returncode != 0 and "Syntax error" not in result.stderr and "Traceback" not in result.stderr
    if variable == "SEED":  # its message names the flag, not the value
        assert "argument --seed: is not a whole number" in result.stderr, result.stderr
    else:
        assert attack in result.stderr or repr(attack)[1:-1] in result.stderr, result.stderr  # the value, whole
    apostrophe = make("samples", "MODEL=gan", "N=1", f"OUT={tmp_path}/it's.npz")
    assert "it's.npz" in apostrophe.stderr and "does not end in .npy" in apostrophe.stderr


def test_output_survives_a_console_that_cannot_show_chinese(tmp_path):
    """PYTHONIOENCODING=cp1252 (a Western Windows console): before, UnicodeEncodeError, after the work."""
    env = {**os.environ, "PYTHONPATH": str(CODES), "PYTHONIOENCODING": "cp1252", "TQDM_DISABLE": "1"}
    commands = {"listing --help": [str(CODES / "chapter_2_3_2_08.py"), "--help"],
                "export --help": [str(ROOT / "tools" / "export_generators.py"), "--help"],
                "make figures --help": [str(ROOT / "tools" / "make_figures.py"), "--help"],
                "samples": ["-m", "experiments.samples", "--model", "gan", "-n", "2", "--limit", "20",
                            "--epochs", "1", "--data", "builtin", "--checkpoints", str(tmp_path / "ck"),
                            "--out", str(tmp_path / "s.npy")]}
    for name, command in commands.items():
        result = subprocess.run([sys.executable, *command], capture_output=True, timeout=300, env=env, cwd=ROOT)
        stdout, stderr = result.stdout.decode("cp1252"), result.stderr.decode("cp1252")
        assert result.returncode == 0 and "Traceback" not in stderr, (name, stderr[-2000:])
        assert "\\u968f\\u673a\\u6570\\u79cd\\u5b50" in stdout + stderr, name  # 随机数种子, escaped
    assert np.load(tmp_path / "s.npy").shape == (2, 784)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_files_are_written_with_the_process_umask(tmp_path, mask):
    """Before: 0600 whatever the umask (tempfile's mode): a web server or a second user got 403."""
    from gankit import storage

    old = os.umask(mask)
    try:
        written = storage.atomic_write_bytes(tmp_path / "figure.png", b"png")
        plain = tmp_path / "plain.txt"
        plain.write_text("what open() gives")
    finally:
        os.umask(old)
    assert written.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777 == 0o666 & ~mask


def test_device_setting_with_spaces_is_read_like_the_seed(monkeypatch):
    from gankit.device import choose_device

    monkeypatch.setenv(settings.DEVICE_ENV, " cpu ")
    monkeypatch.setenv(settings.SEED_ENV, " 1 ")
    assert settings.device() == "cpu" and settings.seed() == 1
    assert choose_device().type == "cpu"
    code, _, err = call(listing_main, [])
    assert code == 0, err


# ====================================================================== the widgets' export
def widget_exporter():
    from test_widgets import exporter

    return exporter()


def export_untrained(tmp_path, seed: int, out: Path) -> int:
    from test_widgets import _export, _fake_runs

    folder = tmp_path / f"ck{seed}-{len(list(tmp_path.glob('ck*')))}"  # a fresh folder each time
    runs, classifier = _fake_runs(folder, seed=seed)
    return _export(folder, runs, classifier, out)


@pytest.mark.parametrize("fault", ["disk full", "killed"])
def test_a_widgets_export_that_fails_midway_leaves_the_earlier_one_whole(tmp_path, monkeypatch, fault):
    """Before: the .bin files were replaced one by one, then manifest.json: new weights beside an old manifest."""
    module = widget_exporter()
    out = tmp_path / "weights"
    (out.parent).mkdir(exist_ok=True)
    assert export_untrained(tmp_path, 1, out) == 0
    (out / "README.txt").write_text("kept: not a weight file")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real, calls = module.atomic_write_bytes, []

    def fails_on_the_third_file(path, data, *args, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            if fault == "killed":
                raise KeyboardInterrupt
            raise StorageError(f"could not write {path} (OSError: No space left on device). Fix: free disk space")
        return real(path, data, *args, **kwargs)

    monkeypatch.setattr(module, "atomic_write_bytes", fails_on_the_third_file)
    if fault == "killed":
        with pytest.raises(KeyboardInterrupt):
            export_untrained(tmp_path, 2, out)
    else:
        code, _, err = call(export_untrained, tmp_path, 2, out)
        assert_one_clear_line(code, err, 2, "No space left on device")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the earlier export, whole
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".weights")) == []
    monkeypatch.setattr(module, "atomic_write_bytes", real)
    assert export_untrained(tmp_path, 2, out) == 0  # and the next export replaces it whole
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    manifest = json.loads(after["manifest.json"])
    assert after["README.txt"] == b"kept: not a weight file"
    for entry in [e for m in manifest["models"].values() for e in m["epochs"].values()] + [manifest["classifier"]]:
        assert hashlib.sha256(after[entry["file"]]).hexdigest() == entry["sha256"], entry["file"]
    assert after["gan-epoch10.bin"] != before["gan-epoch10.bin"]
    assert out.stat().st_mode & 0o777 == 0o777 & ~gankit.storage.umask()  # not mkdtemp's 0700


def test_the_page_refuses_weights_that_differ_from_the_manifest(tmp_path, browser):
    """A weight file that does not match the manifest's SHA-256 shows a clear message, not garbage digits."""
    from test_book import _QuietHandler

    site = tmp_path / "site"
    (site / "widgets").mkdir(parents=True)
    shutil.copy(ROOT / "_static" / "widgets" / "gan_widgets.js", site / "widgets")
    shutil.copytree(ROOT / "_static" / "widgets" / "weights", site / "widgets" / "weights")
    torn = site / "widgets" / "weights" / "gan-epoch10.bin"
    torn.write_bytes(torn.read_bytes()[:-64] + bytes(64))  # the end of another export's file
    (site / "index.html").write_text(
        '<!DOCTYPE html><meta charset="utf-8"><div class="gan-widget" data-widget="first-gan"></div>'
        '<script src="widgets/gan_widgets.js"></script>', encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_selector("p.gan-widget-error", timeout=20000)
        message = page.locator("p.gan-widget-error").inner_text()
        assert "gan-epoch10.bin" in message and "SHA-256" in message and "make widgets" in message, message
        assert page.locator("div.gan-widget canvas").count() == 0  # nothing drawn from the torn file
    finally:
        page.close()
        server.shutdown()
        server.server_close()


# ====================================================================== the score card's classifier
def fake_classifier_training(monkeypatch, trained: list):
    """The classifier's training replaced by an untrained network (the cache and the splits are the point)."""
    def train(train_data, epochs, seed=0, log=print):
        trained.append(train_data)
        torch.manual_seed(seed)
        return classifier.DigitClassifier().eval()

    monkeypatch.setattr(classifier, "train_classifier", train)


def test_the_classifier_cache_is_keyed_by_the_data_it_was_trained_on(tmp_path, monkeypatch):
    """Before: keyed by kind, count and seed only, so another data set of the same size loaded it."""
    trained = []
    fake_classifier_training(monkeypatch, trained)
    rng = np.random.default_rng(0)
    for name in ("one", "other"):  # two IDX sets of the same size: the same kind and count
        write_idx(tmp_path / name, rng.integers(0, 256, (30, 28, 28)), np.arange(30) % 10)
        write_idx(tmp_path / name, rng.integers(0, 256, (10, 28, 28)), np.arange(10) % 10, prefix="test")
    log = []
    first = classifier.load_classifier(tmp_path / "one", epochs=1, directory=tmp_path / "ck", log=log.append)
    second = classifier.load_classifier(tmp_path / "other", epochs=1, directory=tmp_path / "ck", log=log.append)
    assert len(trained) == 2 and not second.info["loaded"], log  # trained for its own data
    assert first.info["checkpoint"] != second.info["checkpoint"]
    again = classifier.load_classifier(tmp_path / "one", epochs=1, directory=tmp_path / "ck", log=log.append)
    assert again.info["loaded"] and len(trained) == 2  # the same data: loaded
    assert again.info["data_sha256"] == load_mnist(tmp_path / "one", quiet=True).digest


def test_a_csv_classifier_is_tested_on_rows_it_never_trained_on(tmp_path, monkeypatch):
    """Before: the "test" split of a CSV was the training file, so test accuracy was training accuracy."""
    trained = []
    fake_classifier_training(monkeypatch, trained)
    path = write_csv(tmp_path / "digits.csv", sample_rows(60))
    log = []
    model = classifier.load_classifier(path, epochs=1, directory=tmp_path / "ck", log=log.append)
    whole = load_mnist(path, quiet=True)
    assert len(trained[0]) == 50 and model.info["test_images"] == 10  # the last sixth held out
    assert torch.equal(trained[0].images, whole.images[:50])
    assert any("has no test split" in line and "last 10, held out" in line for line in log), log
    # the CSV of the book's earlier section has a test file beside it: that one is the test split
    write_csv(tmp_path / "mnist_train.csv", sample_rows(60))
    test_rows = sample_rows(12)
    write_csv(tmp_path / "mnist_test.csv", [[r[0]] + r[1:][::-1] for r in test_rows])
    model = classifier.load_classifier(tmp_path / "mnist_train.csv", epochs=1, directory=tmp_path / "ck",
                                       log=log.append)
    assert len(trained[1]) == 60 and model.info["test_images"] == 12
    assert "tested on mnist_test.csv" in log[-3] or any("tested on mnist_test.csv" in line for line in log)


# ====================================================================== a reader's run and the book
def test_reference_is_refused_for_a_run_that_is_not_the_reference(scripts, monkeypatch, no_work):
    monkeypatch.setenv(settings.REFERENCE_ENV, "1")
    monkeypatch.setenv(settings.DATA_ENV, "builtin")
    code, _, err = call(make_figures_main, scripts["make_figures"])
    assert_one_clear_line(code, err, 2, "REFERENCE=1", "builtin4000-seed0", "leave out REFERENCE=1")


def test_a_run_ends_with_a_comparison_against_the_book(tmp_path, monkeypatch):
    """Which figures are byte-identical, which numbers differ and by how much, which claims still hold."""
    spec = importlib.util.spec_from_file_location("compare_run", ROOT / "tools" / "compare_run.py")
    compare_run = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "compare_run", compare_run)  # its dataclass looks its module up there
    spec.loader.exec_module(compare_run)
    runs = tmp_path / "runs"
    monkeypatch.setattr(compare_run.paths, "RUNS_DIR", runs)
    figures = runs / "idx60000-seed0" / paths.FIGURES
    figures.mkdir(parents=True)
    book = ROOT / paths.FIGURES
    names = sorted(p.name for p in book.glob("*.png"))
    shutil.copy(book / names[0], figures / names[0])  # byte-identical
    (figures / names[1]).write_bytes(b"another drawing")
    metrics = json.loads((ROOT / "results" / "chapter_metrics.json").read_text(encoding="utf-8"))
    numeric = sorted(k for k, v in metrics.items() if isinstance(v, float))
    changed = dict(metrics, **{numeric[0]: metrics[numeric[0]] + 1.0})
    (runs / "idx60000-seed0" / "results").mkdir()
    (runs / "idx60000-seed0" / "results" / "chapter_metrics.json").write_text(json.dumps(changed))
    code, out, err = call(compare_run.main, ["idx60000-seed0"])
    assert code == 0, err
    assert f"figures: 1 of 2 byte-identical; differ: {names[1]}" in out
    assert f"{numeric[0]}: book {metrics[numeric[0]]:g}, this run {metrics[numeric[0]] + 1.0:g} (difference +1" in out
    assert "claims of the text:" in out and "hold on this run's numbers" in out
    assert (runs / "idx60000-seed0" / "comparison.md").is_file()
    code, _, err = call(compare_run.main, ["../.."])
    assert_one_clear_line(code, err, 2, "no run '../..'")
    # a figure that draws an experiment's results the run has not made: the comparison says so
    (figures / "2-69.png").write_bytes(b"drawn without the improved GAN's shares")
    results = runs / "idx60000-seed0" / "results"
    (results / "remedies.json").write_text("{}")
    code, out, _ = call(compare_run.main, ["idx60000-seed0"])
    assert "2-69.png;" in out and "2-69 drawn without this run's results of make ablation, which" in out
    (results / "ablation.json").write_text("{}")
    code, out, _ = call(compare_run.main, ["idx60000-seed0"])
    assert out.count("2-69.png") == 1 and "drawn without" not in out
