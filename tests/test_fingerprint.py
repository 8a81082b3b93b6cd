"""A run is what determined it: edited code trains afresh through the printed code, other data too.

The edits a reader makes to the printed listings are made here in a copy of the
listing file (same file name, in a temporary folder), loaded as a module of its own.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from script_module import load_script
import torch

import gankit
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_08 import train_gan
from gankit.training import resolve_engine, run_name

ROOT = Path(__file__).resolve().parents[1]
CODES = ROOT / "codes"
CPU = torch.device("cpu")


def edited(tmp_path, listing: str, old: str, new: str):
    """The module of ``listing`` with ``old`` replaced by ``new``, loaded from a copy."""
    source = (CODES / listing).read_text(encoding="utf-8")
    assert old in source, f"{listing} no longer holds {old!r}"
    folder = tmp_path / f"edit{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    path = folder / listing
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return load_script(path, f"edited_{listing[:-3]}_{folder.name}")


@pytest.fixture(scope="module")
def data():
    return MnistDataset("builtin", limit=40)


def options(**kw):
    return gankit.TrainingOptions(**{"epochs": 1, "seed": 0, "device": CPU, **kw})


def first_gan_run(D, G, dataset, loop=train_gan, noise=generate_random):
    engine, why = resolve_engine("auto", D, G, loop, noise, CPU)
    return run_name("gan", dataset, options(), engine, {"D": D, "G": G}, (loop, noise)), why


def test_unedited_code_takes_the_fast_engine(data):
    run, why = first_gan_run(Discriminator(), Generator(), data)
    assert run.engine == "fast" and why == ""


@pytest.mark.parametrize("listing, old, new, changed", [
    ("chapter_2_3_2_03.py", "lr=0.01", "lr=0.5", "Discriminator.__init__"),  # a learning rate
    ("chapter_2_3_2_03.py", "self.progress.append(loss.item())", "self.progress.append(2 * loss.item())",
     "Discriminator.train"),  # a line of train()
    ("chapter_2_3_2_03.py", "D.train", "D.train", "none"),  # a comment-only edit: nothing changes
])
def test_an_edited_model_trains_through_the_printed_code_in_a_run_of_its_own(tmp_path, data, listing, old,
                                                                           new, changed):
    if changed == "none":
        module = edited(tmp_path, listing, "# 清零梯度", "# 先清零梯度")
    else:
        module = edited(tmp_path, listing, old, new)
    D, G = module.Discriminator(), Generator()
    run, why = first_gan_run(D, G, data)
    reference, _ = first_gan_run(Discriminator(), Generator(), data)
    if changed == "none":
        assert run == reference  # comments and layout do not determine a run
        return
    assert run.engine == "listing" and changed in why
    assert run.fingerprint != reference.fingerprint  # no old checkpoint is found


def test_an_edited_training_loop_trains_through_the_printed_code(tmp_path, data):
    module = edited(tmp_path, "chapter_2_3_2_08.py", "torch.tensor([0.0])", "torch.tensor([0.1])")
    run, why = first_gan_run(Discriminator(), Generator(), data, loop=module.train_gan)
    reference, _ = first_gan_run(Discriminator(), Generator(), data)
    assert run.engine == "listing" and "train_gan" in why and run.fingerprint != reference.fingerprint
    with pytest.raises(gankit.EngineError, match="printed code was changed"):
        resolve_engine("fast", Discriminator(), Generator(), module.train_gan, generate_random, CPU)


def test_other_data_of_the_same_size_is_another_run(tmp_path, data):
    other = MnistDataset("builtin", limit=80)
    other.images, other.labels = other.images[40:], other.labels[40:]  # another 40 images
    assert len(other) == len(data)
    run, _ = first_gan_run(Discriminator(), Generator(), other)
    reference, _ = first_gan_run(Discriminator(), Generator(), data)
    assert run.data == reference.data and run.fingerprint != reference.fingerprint


def test_listing_10_and_the_remedies_experiment_share_a_run(data):
    """The same model, loop, seed and data make the same run, whoever trains it."""
    from chapter_2_3_2_10 import BatchDiscriminator, FeatureMatchingGenerator, train_gan_batches
    from experiments.models import FEATURE_MATCHING

    D, G = BatchDiscriminator(), FeatureMatchingGenerator()
    mnist_dataset = data
    listing = run_name("remedy-feature-matching", data, options(), None, {"D": D, "G": G},
                       (lambda epoch: train_gan_batches(D, G, mnist_dataset),))
    D2, G2 = FEATURE_MATCHING.build()
    dataset = data
    grid = run_name(FEATURE_MATCHING.prefix, dataset, options(), None, {"D": D2, "G": G2},
                    (lambda epoch: train_gan_batches(D2, G2, dataset),))
    assert listing == grid


def test_a_raise_in_the_printed_train_method_is_what_runs(tmp_path):
    """End to end: a reader puts ``raise`` into Discriminator.train; listing 08 then fails with it
    instead of training through the fast engine and exiting 0."""
    copy = tmp_path / "codes"
    copy.mkdir()
    for path in CODES.glob("chapter_2_3_2_*.py"):
        (copy / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    listing = copy / "chapter_2_3_2_03.py"
    source = listing.read_text(encoding="utf-8")
    listing.write_text(source.replace("        outputs = self.forward(inputs)\n",
                                      "        raise RuntimeError('edited by a reader')\n", 1), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(copy), str(CODES)]), TQDM_DISABLE="1",
               GANBOOK_CHECKPOINTS=str(tmp_path / "ck"))
    result = subprocess.run([sys.executable, str(copy / "chapter_2_3_2_08.py"), "--data", "builtin",
                             "--limit", "20", "--out", str(tmp_path / "fig")],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode != 0
    assert "edited by a reader" in result.stderr
    assert "引擎：listing，即书中印出的代码" in result.stdout and "Discriminator.train" in result.stdout


def test_a_file_edited_while_its_code_runs_does_not_rename_the_run(tmp_path):
    """The fingerprint describes the code that runs: an edit saved while a long run goes on (its
    next epoch, the experiment's next run) names nothing new until the code is loaded again."""
    from gankit import fingerprint

    module = edited(tmp_path, "chapter_2_3_2_03.py", "self.counter += 1", "self.counter += 1")
    before = fingerprint.project_code(module.Discriminator())
    path = Path(module.__file__)
    text = path.read_text(encoding="utf-8").replace("self.counter += 1", "self.counter += 2", 1)
    path.write_text("# 三行新注释，函数都下移了三行\n#\n#\n" + text, encoding="utf-8")
    assert fingerprint.project_code(module.Discriminator()) == before  # still the code loaded
    reloaded = load_script(path, "reloaded_chapter_2_3_2_03")  # the edit, loaded: a run of its own
    assert fingerprint.project_code(reloaded.Discriminator()) != before


def test_a_reloaded_function_with_another_default_is_other_code(tmp_path):
    """Its code object can be the same (defaults are not part of it): the source read is the new one."""
    from gankit import fingerprint

    path = tmp_path / "loop.py"
    path.write_text("def loop(batch_size=32):\n    return batch_size\n", encoding="utf-8")
    first = load_script(path, "loop_first").loop
    before = fingerprint.code_hash(first)
    path.write_text("def loop(batch_size=64):\n    return batch_size\n", encoding="utf-8")
    second = load_script(path, "loop_second").loop
    assert second.__code__ == first.__code__ and fingerprint.code_hash(second) != before
    assert fingerprint.code_hash(first) == before  # the function loaded first: still its own source


def test_what_is_not_python_code_is_told_apart_by_its_name():
    from gankit import fingerprint

    assert fingerprint.normalised_source(len) != fingerprint.normalised_source(print)
    assert "len" in fingerprint.normalised_source(len)
