"""Checkpoints: save, load, resume after an interruption, and a clear message for a bad file."""
import pytest
import torch

import gankit
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_08 import train_gan


@pytest.fixture(scope="module")
def tiny():
    return MnistDataset("builtin", limit=30)


def fresh():
    torch.manual_seed(3)
    return {"D": Discriminator(), "G": Generator()}


def state(models):
    return {f"{n}.{k}": v.clone() for n, m in models.items() for k, v in m.state_dict().items()}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def epoch_fn(models, data):
    return lambda epoch: train_gan(models["D"], models["G"], data)


def test_save_and_load_give_the_same_model(tmp_path, tiny):
    models = fresh()
    gankit.train_epochs("run", models, epoch_fn(models, tiny), 1, directory=tmp_path)
    loaded = fresh()
    gankit.Checkpoints("run", tmp_path).load(1, loaded)
    assert_same(state(models), state(loaded))
    for name in ("D", "G"):
        assert loaded[name].counter == models[name].counter
        assert loaded[name].progress == models[name].progress


def test_a_second_run_loads_instead_of_training(tmp_path, tiny):
    models = fresh()
    gankit.train_epochs("run", models, epoch_fn(models, tiny), 2, directory=tmp_path)
    again = fresh()
    calls = []
    gankit.train_epochs("run", again, lambda e: calls.append(e), 2, directory=tmp_path)
    assert calls == [] and again["D"].counter == 2 * 2 * len(tiny)
    assert_same(state(models), state(again))
    gankit.train_epochs("run", again, lambda e: calls.append(e), 2, retrain=True, directory=tmp_path)
    assert calls == [1, 2]  # --retrain trains from scratch


def test_interrupted_run_resumes_and_matches_an_uninterrupted_one(tmp_path, tiny):
    straight = fresh()
    gankit.train_epochs("a", straight, epoch_fn(straight, tiny), 3, directory=tmp_path)

    interrupted = fresh()
    train = epoch_fn(interrupted, tiny)

    def breaks_in_epoch_3(epoch):
        if epoch == 3:
            generate_random(5)  # some work was done in epoch 3 ...
            raise KeyboardInterrupt  # ... when the reader pressed Ctrl-C
        train(epoch)

    with pytest.raises(KeyboardInterrupt):
        gankit.train_epochs("b", interrupted, breaks_in_epoch_3, 3, directory=tmp_path)
    assert gankit.Checkpoints("b", tmp_path).epochs_saved() == [1, 2]  # lost only epoch 3

    resumed = fresh()  # a new process: fresh models, a different RNG state
    torch.manual_seed(12345)
    gankit.train_epochs("b", resumed, epoch_fn(resumed, tiny), 3, directory=tmp_path)
    assert_same(state(straight), state(resumed))
    assert resumed["G"].progress == straight["G"].progress


def test_adam_state_survives_a_checkpoint(tmp_path, tiny):
    from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator, generate_normal_noise

    def models():
        torch.manual_seed(4)
        return {"D": ImprovedDiscriminator(), "G": ImprovedGenerator()}

    def fn(m):
        return lambda epoch: train_gan(m["D"], m["G"], tiny, generate_normal_noise, 100)

    straight = models()
    gankit.train_epochs("s", straight, fn(straight), 2, directory=tmp_path)
    first = models()
    gankit.train_epochs("r", first, fn(first), 1, directory=tmp_path)
    resumed = models()
    gankit.train_epochs("r", resumed, fn(resumed), 2, directory=tmp_path)
    assert_same(state(straight), state(resumed))


def test_corrupt_checkpoint_names_the_file_and_the_fix(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "epoch01.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(gankit.CheckpointError, match=r"epoch01\.pt is unreadable.*Delete it.*newest readable"):
        gankit.Checkpoints("run", tmp_path).load(1, fresh())


def test_checkpoint_of_another_model_is_refused(tmp_path, tiny):
    models = fresh()
    gankit.train_epochs("run", models, epoch_fn(models, tiny), 1, directory=tmp_path)
    from chapter_2_3_2_09 import ImprovedGenerator

    with pytest.raises(gankit.CheckpointError, match="does not fit this model"):
        gankit.Checkpoints("run", tmp_path).load(1, {"D": Discriminator(), "G": ImprovedGenerator()})
