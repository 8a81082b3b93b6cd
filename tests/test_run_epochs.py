"""A listing's epoch loop, ``for epoch in run.epochs(D, G): train_gan(D, G, mnist_dataset)``:
only the epochs still to train, checkpoints after each, the fast engine where it may stand in."""
import pytest
import torch

import gankit
from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_08 import train_gan
from gankit import Checkpoints, RunName

CPU = torch.device("cpu")
CALLS = []  # the epochs the loop's body trained


@pytest.fixture(scope="module")
def tiny():
    return MnistDataset("builtin", limit=20)


def a_run(folder, epochs, engine="listing"):
    return gankit.Run(data="builtin", seed=0, device=CPU, limit=20, epochs_total=epochs, engine=engine,
                      checkpoints=folder)


def one_epoch(D, mnist_dataset):
    """The body of the loops below: one pass, D only, counted."""
    CALLS.append(D.counter)
    for _, image, _ in mnist_dataset:
        D.train(image, torch.tensor([1.0]))


def fails_in_epoch_2(D, mnist_dataset):
    """One pass, as one_epoch, but the second one stops with an error."""
    if D.counter >= len(mnist_dataset):
        raise RuntimeError("in epoch 2")
    one_epoch(D, mnist_dataset)


def train_d(run, tiny, log):
    torch.manual_seed(0)
    D = Discriminator()
    for epoch in run.epochs(D, listing="chapter_2_3_2_05.py", log=log):
        one_epoch(D, tiny)
    return D


def test_yields_only_the_epochs_still_to_train_and_resumes(tmp_path, tiny):
    CALLS.clear()
    log = []
    first = train_d(a_run(tmp_path, 2), tiny, log.append)
    assert len(CALLS) == 2 and first.counter == 40
    assert sum("检查点：已保存" in line for line in log) == 2
    CALLS.clear()
    log = []
    resumed = train_d(a_run(tmp_path, 3), tiny, log.append)
    assert len(CALLS) == 1 and "继续训练" in log[0]  # epochs 1-2 loaded, epoch 3 trained
    assert resumed.counter == 60
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    assert RunName.parse(folder.name).prefix == "d-test"  # the manifest's run of listing 05
    assert Checkpoints(folder.name, tmp_path).epochs_saved() == [1, 2, 3]


def test_a_loop_stopped_by_an_error_says_what_is_kept(tmp_path, tiny):
    log = []
    torch.manual_seed(0)
    D = Discriminator()
    with pytest.raises(RuntimeError, match="in epoch 2"):
        for epoch in a_run(tmp_path, 3).epochs(D, listing="chapter_2_3_2_05.py", log=log.append):
            fails_in_epoch_2(D, tiny)
    assert any("interrupted during epoch 2" in line and "epoch 1 is saved" in line for line in log), log


def test_a_body_that_is_not_one_call_is_a_clear_error(tmp_path, tiny):
    D = Discriminator()
    with pytest.raises(gankit.LoopError, match="one call"):
        for epoch in a_run(tmp_path, 1).epochs(D, listing="chapter_2_3_2_05.py"):
            one_epoch(D, tiny)
            one_epoch(D, tiny)


class Counted:
    """A listing's dataset that counts the samples read one by one (the printed loop reads them so)."""

    def __init__(self, dataset):
        self.dataset, self.data, self.images, self.labels = dataset, dataset.data, dataset.images, dataset.labels
        self.reads = 0

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        self.reads += 1
        return self.dataset[index]


def test_the_fast_engine_trains_the_epoch_and_the_body_does_not_run(tmp_path, tiny):
    mnist_dataset = Counted(tiny)
    torch.manual_seed(0)
    D, G = Discriminator(), Generator()
    for epoch in a_run(tmp_path, 1, engine="auto").epochs(D, G, listing="chapter_2_3_2_08.py"):
        train_gan(D, G, mnist_dataset)
    assert mnist_dataset.reads == 0 and D.counter == 40 and G.counter == 20  # trained by the fast engine
    name = RunName.parse(next(p for p in tmp_path.iterdir() if p.is_dir()).name)
    assert (name.prefix, name.engine) == ("gan", "fast")
    torch.manual_seed(0)
    D2, G2 = Discriminator(), Generator()
    for epoch in a_run(tmp_path / "listing", 1).epochs(D2, G2, listing="chapter_2_3_2_08.py"):
        train_gan(D2, G2, mnist_dataset)
    assert mnist_dataset.reads >= 20 and D2.counter == 40  # --engine listing: the printed loop ran
    torch.testing.assert_close(D.model[0].weight, D2.model[0].weight, rtol=1e-4, atol=1e-5)
    assert generate_random is train_gan.__defaults__[0]  # the default noise: in the run's fingerprint
