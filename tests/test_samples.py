"""experiments.samples (make samples): n samples of any trained generator of the book as a .npy file."""
from pathlib import Path

import numpy as np
import pytest

from script_module import load_script

import chapter_2_3_2_11 as L11
from chapter_2_3_2_09 import generate_normal_noise
import gankit
from experiments import grid, remedies, samples
from experiments.registry import all_models
from gankit.scorecard import sample_generator

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--data", "builtin", "--limit", "64", "--epochs", "1"]  # a tiny run: 64 images, 1 epoch
MODEL = "conv-gan"  # trains in seconds on 64 images, and draws with its moving average


def run(argv, capsys) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``python -m experiments.samples ARGV``."""
    try:
        code = samples.main([str(a) for a in argv])
    except SystemExit as stop:  # argparse's errors
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A checkpoint folder of this module: the tiny runs are trained once, by the first test."""
    return tmp_path_factory.mktemp("samples")


def write(folder, capsys, seed=0, n=50, name="s.npy", model=MODEL):
    path = folder / f"seed{seed}-{name}"
    code, out, err = run(["--model", model, "-n", n, "--out", path, "--seed", seed,
                          "--checkpoints", folder / "ck", *QUICK], capsys)
    assert code == 0, err[-2000:]
    return path, out, err


# ------------------------------------------------------------------ the names
def test_without_a_model_lists_every_name_one_a_line_conv_gan_last(capsys):
    code, out, err = run([], capsys)
    names = out.splitlines()
    assert code == 0 and names == list(all_models())
    assert names[-1] == "conv-gan" and names[:2] == ["gan", "improved-gan"]
    assert {r.prefix for r in remedies.REMEDIES.values()} <= set(names)  # every remedy of section 8
    assert "remedy-feature-matching" in names  # listing 10
    assert set(samples.reference_epochs()) == set(names)  # every name has the epochs of its book run


def test_reference_epochs_are_those_make_figures_trains():
    make_figures = load_script(ROOT / "tools" / "make_figures.py", "make_figures")
    import manifest

    prefix = {m.listing: m.run for m in manifest.GANS.values()}
    epochs = samples.reference_epochs()
    assert {prefix[listing]: e for listing, e, _ in make_figures.PRETRAIN} == {p: epochs[p] for p in prefix.values()}
    assert epochs[manifest.trained_by("chapter_2_3_2_11.py").run] == L11.EPOCHS
    # equal CPU time within an experiment: minibatch discrimination trains half the remedies' epochs
    assert epochs["remedy-minibatch-discrim"] * 2 == epochs["remedy-ttur"] == remedies.FULL["epochs"]


# ------------------------------------------------------------------ the samples
def test_trains_a_missing_model_says_so_and_it_is_the_projects_run(folder, capsys):
    path, out, err = write(folder, capsys)
    assert f"no checkpoint of {MODEL} after 1 epoch" in err and "training it first" in err
    run_name = next(p.name for p in (folder / "ck").iterdir() if p.name.startswith(MODEL))
    assert run_name in err and run_name in out and out.count("\n") == 1  # stdout: one line, what was written
    # the experiments' run of the same model, data and seed is this run: loaded, not trained again
    cfg = grid.Config(data="builtin", limit=64, checkpoints=str(folder / "ck"))
    _, _, _, record = grid.train(all_models()[MODEL], 0, cfg, 1, log=lambda *a: None)
    assert record["run"] == run_name and record["epochs_trained"] == 0


def test_n_by_784_float32_in_0_1_drawn_with_the_moving_average(folder, capsys):
    path, _, err = write(folder, capsys, n=37, name="shape.npy")
    assert "training it first" not in err  # the checkpoint of the first test is loaded
    images = np.load(path, allow_pickle=False)
    assert images.shape == (37, 784) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0 and images.std() > 0
    run_name = next(p.name for p in (folder / "ck").iterdir() if p.name.startswith(MODEL + "-"))
    G = L11.ConvGenerator()
    gankit.Checkpoints(run_name, folder / "ck").load(1, {"G": G}, restore_rng=False)
    # drawn as the score card draws: a whole batch of 1000, of which the first 37
    average = sample_generator(G.average, generate_normal_noise, 100, n=1000, seed=0)[:37].numpy()
    itself = sample_generator(G, generate_normal_noise, 100, n=1000, seed=0)[:37].numpy()
    assert np.array_equal(images, average) and not np.allclose(images, itself)


def test_same_seed_same_bytes_another_seed_differs(folder, capsys):
    first, _, _ = write(folder, capsys, name="a.npy")
    again, _, _ = write(folder, capsys, name="b.npy")
    other, _, _ = write(folder, capsys, seed=1, name="a.npy")
    assert first.read_bytes() == again.read_bytes()
    assert np.load(first).shape == np.load(other).shape and first.read_bytes() != other.read_bytes()


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("argv, words", [
    (["--model", "gann", "-n", "5"], ["--model", "'gann' is not a model of the book", "conv-gan"]),
    (["--model", MODEL, "-n", "0"], ["-n", "0 is too small: use 1 or more"]),
    (["--model", MODEL, "-n", "ten"], ["-n", "'ten' is not a whole number; use 1 or more"]),
    (["--model", MODEL, "-n", "2.5"], ["-n", "'2.5' is not a whole number"]),
    (["--model", MODEL], ["-n is required", "N=1000"]),
])
def test_a_bad_model_or_n_gives_one_clear_message(argv, words, tmp_path, capsys):
    code, out, err = run([*argv, "--out", tmp_path / "s.npy", "--checkpoints", tmp_path / "ck", *QUICK], capsys)
    assert code == 2 and "Traceback" not in err and not out
    message = err.strip().splitlines()[-1]
    assert message.startswith("python -m experiments.samples: error:")
    assert all(w in message for w in words), message
    assert not list(tmp_path.iterdir())  # nothing written, nothing trained


@pytest.mark.parametrize("out, words", [
    ("s.txt", ["--out", "'s.txt' does not end in .npy", "samples.npy"]),
    ("a-file/s.npy", ["--out", "cannot write in the folder", "a-file", "Fix:"]),  # its folder is a file
    ("a-folder.npy", ["--out", "is a folder", "a-folder.npy/samples.npy"]),
])
def test_a_bad_out_gives_one_clear_message(out, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a-file").write_text("not a folder")
    Path("a-folder.npy").mkdir()
    code, stdout, err = run(["--model", MODEL, "-n", "5", "--out", out, "--checkpoints", tmp_path / "ck", *QUICK],
                            capsys)
    assert code == 2 and "Traceback" not in err and not stdout
    assert all(w in err.strip().splitlines()[-1] for w in words), err
    assert not (tmp_path / "ck").exists()  # stopped before any training


def test_any_n_even_one_past_a_batch_and_samples_do_not_depend_on_n(folder, capsys):
    """Whole batches (batch norm in a generator needs more than one sample); sample i is the same for every n."""
    big, _, _ = write(folder, capsys, n=1001, name="big.npy")
    small, _, _ = write(folder, capsys, n=10, name="small.npy")
    assert np.load(big).shape == (1001, 784)
    assert np.array_equal(np.load(big)[:10], np.load(small))
