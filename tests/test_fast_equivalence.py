"""The fast engine (gankit/fast.py) does the same math as listing 08's ``train_gan``.

Both engines start from the same weights and the same random-number state and
train on the same images; afterwards losses (``progress``), counters, weights
and Adam states must agree.

Tolerance. Each tensor (and each progress list) is compared with
``torch.testing.assert_close(fast, listing, rtol=1e-4, atol=2e-5 * max|listing|)``.
The two engines add up the 784- and 200-term dot products in different orders
(PyTorch's BLAS against numba's vectorised loops), so a single step differs by a
few float32 roundings (eps = 1.2e-7; about 3e-6 relative for a 784-term sum).
Over 1,000 coupled updates of the first GAN the largest difference measured
stayed at 1.6e-6 to 3.6e-6 of each tensor's largest value, so the tolerance
leaves a margin of about five for other CPUs and BLAS libraries. The improved
GAN's LeakyReLU has a kink at 0: once a rounding difference flips the sign of an
input lying within 1e-7 of it, the two runs drift apart as two runs on different
CPUs do, so its 1,000 iterations are checked in segments of 100, each started
from the listing's state.
Element-wise relative error alone would be meaningless for entries that pass
through zero (Adam's exp_avg), hence the scale-relative atol. Slips in the math
tried on purpose (noise draws swapped, Adam's bias correction one step off, the
LayerNorm backward without its mean term, the BCE loss without its (1 - t)
term, progress recorded one step early, a chunk starting from the wrong image)
move the results by 1e-3 to 1 of the scale and fail. Counters, the length of
``progress`` and Adam's step counts must match exactly.

What was checked. ``codes/fast_engine.json`` records the code hash of every printed function
these tests train through (listings 03, 04, 06, 08, 09); the fast engine stands in only for
that code. After a change to one of them, ``PYTHONPATH=codes python3 tests/test_fast_equivalence.py --write``
runs these tests and, when they pass, writes the file anew.
"""
import copy

import pytest
import torch
from torch import nn

from chapter_2_3_2_02 import MnistDataset
from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_04 import generate_random
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_08 import train_gan
from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator, generate_normal_noise

from gankit import fast
from gankit.fingerprint import project_code
from gankit.storage import write_json
from gankit.training import EngineError, resolve_engine

RTOL = 1e-4
ATOL_SCALE = 2e-5
WEIGHT_SEED = 7  # torch.manual_seed for building D and G
NOISE_SEED = 11  # torch.manual_seed just before training (the seeds G sees)


def printed_code() -> dict:
    """{qualified name: code hash (16 hex digits)} of the printed functions these tests check."""
    code = {**project_code(ImprovedDiscriminator(), ImprovedGenerator(), train_gan, generate_normal_noise),
            **project_code(Discriminator(), Generator(), generate_random)}
    return {name: digest[:16] for name, digest in sorted(code.items())}


def test_the_printed_code_is_the_code_checked_here():
    """The fast engine's record (codes/fast_engine.json) is the printed code these tests train."""
    assert fast.proven() == printed_code(), (f"{fast.PROVEN_FILE.name} is out of date: run "
                                             "PYTHONPATH=codes python3 tests/test_fast_equivalence.py --write")


@pytest.fixture(scope="module")
def dataset():
    return MnistDataset("builtin", limit=1000)


@pytest.fixture(autouse=True)
def one_torch_thread():
    """The listing's per-sample steps are far too small for threads; on a shared CPU they only slow it."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class _Subset:
    """The first n samples of the listing's dataset, iterated as train_gan does."""

    def __init__(self, dataset, n):
        self.dataset, self.n = dataset, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return self.dataset[i]


def _build(make_models):
    torch.manual_seed(WEIGHT_SEED)
    return make_models()


def _close(fast_value, listing_value, what):
    listing_value = torch.as_tensor(listing_value, dtype=torch.float64)
    fast_value = torch.as_tensor(fast_value, dtype=torch.float64)
    scale = float(listing_value.abs().max()) if listing_value.numel() else 0.0
    torch.testing.assert_close(fast_value, listing_value, rtol=RTOL, atol=ATOL_SCALE * scale,
                               msg=lambda m: f"{what}: {m}")


def _assert_same(fast_models, listing_models):
    for name, mf, ml in zip("DG", fast_models, listing_models):
        assert mf.counter == ml.counter, f"{name}.counter"
        assert len(mf.progress) == len(ml.progress), f"len({name}.progress)"
        _close(mf.progress, ml.progress, f"{name}.progress")
        for (key, pf), (_, pl) in zip(mf.state_dict().items(), ml.state_dict().items()):
            _close(pf, pl, f"{name}.{key}")
        sf, sl = mf.optimiser.state_dict()["state"], ml.optimiser.state_dict()["state"]
        assert sf.keys() == sl.keys(), f"{name}.optimiser state keys"
        for index in sl:
            assert sf[index].keys() == sl[index].keys(), f"{name}.optimiser.state[{index}] keys"
            for key, value in sl[index].items():
                if key == "step":
                    assert float(sf[index][key]) == float(value), f"{name} Adam step"
                else:
                    _close(sf[index][key], value, f"{name}.optimiser.state[{index}][{key!r}]")


def _run_both(make_models, generate_noise, noise_size, dataset, n, chunk=fast.CHUNK):
    """n iterations through train_gan and through FastGAN from the same weights and random state."""
    D1, G1 = _build(make_models)
    torch.manual_seed(NOISE_SEED)
    train_gan(D1, G1, _Subset(dataset, n), generate_noise, noise_size)
    rng_after_listing = torch.get_rng_state()

    D2, G2 = _build(make_models)
    assert fast.unsupported_reason(D2, G2, generate_noise, "cpu") is None
    torch.manual_seed(NOISE_SEED)
    fast.FastGAN(D2, G2, generate_noise, noise_size, chunk=chunk).train_epoch(dataset.images[:n], desc="fast")
    assert torch.equal(torch.get_rng_state(), rng_after_listing), "the engines drew different random numbers"
    return (D2, G2), (D1, G1)


def test_first_gan_1000_iterations(dataset):
    fast_models, listing_models = _run_both(lambda: (Discriminator(), Generator()),
                                            generate_random, 1, dataset, 1000)
    _assert_same(fast_models, listing_models)


class _Segment(_Subset):
    """Samples start .. stop - 1 of the listing's dataset."""

    def __init__(self, dataset, start, stop):
        super().__init__(dataset, stop - start)
        self.start = start

    def __getitem__(self, i):
        return super().__getitem__(i) if i >= self.n else self.dataset[self.start + i]


def test_improved_gan_1000_iterations(dataset):
    """1,000 iterations in 10 segments of 100, each started by both engines from the listing's state.

    Over one long run the two drift apart after a few hundred iterations: a rounding difference of
    1e-7 can flip the sign of a LeakyReLU input lying that close to 0, changing its slope from 1 to
    0.02 (seen at iteration 380 on an AVX-512 CPU, not on an AVX2 one). Restarting each segment from
    the listing's state checks every one of the 1,000 steps without that chaotic amplification.
    """
    D1, G1 = _build(lambda: (ImprovedDiscriminator(), ImprovedGenerator()))
    torch.manual_seed(NOISE_SEED)
    for start in range(0, 1000, 100):
        before, rng = copy.deepcopy((D1, G1)), torch.get_rng_state()
        train_gan(D1, G1, _Segment(dataset, start, start + 100), generate_normal_noise, 100)
        rng_after_listing = torch.get_rng_state()
        D2, G2 = before
        torch.set_rng_state(rng)
        # chunk=30: the compiled kernel is entered four times per segment, crossing chunk boundaries
        fast.FastGAN(D2, G2, generate_normal_noise, 100, chunk=30).train_epoch(
            dataset.images[start:start + 100], desc="fast")
        assert torch.equal(torch.get_rng_state(), rng_after_listing), "the engines drew different random numbers"
        _assert_same((D2, G2), (D1, G1))
    assert D1.counter == 2000 and G1.counter == 1000


# ------------------------------------------------------------ ablation variants
class SigmoidBCED(Discriminator):
    """The first GAN's D with BCELoss (sigmoid hidden layer, SGD)."""

    def __init__(self):
        super().__init__()
        self.loss_function = nn.BCELoss()


class SigmoidSeed100G(Generator):
    """The first GAN's G fed 100 normal noise values (sigmoid hidden layer, SGD)."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(100, 200), nn.Sigmoid(), nn.Linear(200, 784), nn.Sigmoid())
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.01)


class OddD(Discriminator):
    """MSE with Adam (beta1 0.3: lerp's other formula), LayerNorm without affine, LeakyReLU(0.1), 64 hidden nodes."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(784, 64), nn.LayerNorm(64, elementwise_affine=False),
                                   nn.LeakyReLU(0.1), nn.Linear(64, 1), nn.Sigmoid())
        self.optimiser = torch.optim.Adam(self.parameters(), lr=3e-4, betas=(0.3, 0.99), eps=1e-6)


class OddG(Generator):
    """SGD G with 10 uniform noise values, LayerNorm(eps=1e-3, no bias), LeakyReLU(0.2), 48 hidden nodes."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(10, 48), nn.LayerNorm(48, eps=1e-3, bias=False),
                                   nn.LeakyReLU(0.2), nn.Linear(48, 784), nn.Sigmoid())
        self.optimiser = torch.optim.SGD(self.parameters(), lr=0.05)


def test_ablation_bce_sgd_sigmoid_normal_noise(dataset):
    fast_models, listing_models = _run_both(lambda: (SigmoidBCED(), SigmoidSeed100G()),
                                            generate_normal_noise, 100, dataset, 400, chunk=150)
    _assert_same(fast_models, listing_models)


def test_other_widths_norms_and_optimisers(dataset):
    fast_models, listing_models = _run_both(lambda: (OddD(), OddG()), generate_random, 10, dataset, 400)
    _assert_same(fast_models, listing_models)


def test_checkpoint_after_fast_resumes_with_listing(dataset):
    """Adam state left by the fast engine is what the listing's optimiser expects: 300 fast + 200
    listing iterations equal 500 listing iterations."""
    make = lambda: (ImprovedDiscriminator(), ImprovedGenerator())  # noqa: E731
    D1, G1 = _build(make)
    torch.manual_seed(NOISE_SEED)
    train_gan(D1, G1, _Subset(dataset, 500), generate_normal_noise, 100)

    D2, G2 = _build(make)
    torch.manual_seed(NOISE_SEED)
    fast.FastGAN(D2, G2, generate_normal_noise, 100).train_epoch(dataset.images[:300], desc="fast")
    state = {name: (m.state_dict(), m.optimiser.state_dict()) for name, m in (("D", D2), ("G", G2))}
    rng = torch.get_rng_state()  # building models below reseeds; the noise must continue unchanged
    D3, G3 = _build(make)  # fresh models restored from the fast engine's state, as a checkpoint does
    torch.set_rng_state(rng)
    for name, m in (("D", D3), ("G", G3)):
        m.load_state_dict(state[name][0])
        m.optimiser.load_state_dict(state[name][1])
    D3.counter, D3.progress, G3.counter, G3.progress = D2.counter, list(D2.progress), G2.counter, list(G2.progress)
    rest = [dataset[i] for i in range(300, 500)]
    train_gan(D3, G3, rest, generate_normal_noise, 100)
    _assert_same((D3, G3), (D1, G1))


# ------------------------------------------------------------- unsupported_reason
def _first_gan():
    torch.manual_seed(0)
    return Discriminator(), Generator()


def test_supported_models_have_no_reason_and_draw_no_random_numbers():
    D, G = _first_gan()
    before = torch.get_rng_state()
    assert fast.unsupported_reason(D, G, generate_random, "cpu") is None
    assert fast.unsupported_reason(D, G, generate_random, torch.device("cpu")) is None
    assert torch.equal(torch.get_rng_state(), before)
    assert fast.unsupported_reason(ImprovedDiscriminator(), ImprovedGenerator(), generate_normal_noise, "cpu") is None


class OverriddenTrainD(Discriminator):
    def train(self, inputs, targets):
        super().train(inputs, targets)


def _with_momentum(D, G):
    D.optimiser = torch.optim.SGD(D.parameters(), lr=0.01, momentum=0.9)


def _with_amsgrad(D, G):
    G.optimiser = torch.optim.Adam(G.parameters(), lr=1e-4, amsgrad=True)


def _with_dropout(D, G):
    D.model = nn.Sequential(nn.Linear(784, 200), nn.Sigmoid(), nn.Dropout(0.3), nn.Linear(200, 1), nn.Sigmoid())
    D.optimiser = torch.optim.SGD(D.parameters(), lr=0.01)


def _with_relu(D, G):
    G.model = nn.Sequential(nn.Linear(1, 200), nn.ReLU(), nn.Linear(200, 784), nn.Sigmoid())
    G.optimiser = torch.optim.SGD(G.parameters(), lr=0.01)


def _with_stale_optimiser(D, G):
    D.model = nn.Sequential(nn.Linear(784, 200), nn.Sigmoid(), nn.Linear(200, 1), nn.Sigmoid())


def _with_rmsprop(D, G):
    D.optimiser = torch.optim.RMSprop(D.parameters())


def _with_l1_loss(D, G):
    D.loss_function = nn.L1Loss()


def _with_weight_decay(D, G):
    G.optimiser = torch.optim.SGD(G.parameters(), lr=0.01, weight_decay=1e-4)


def _with_double(D, G):
    D.double()


@pytest.mark.parametrize("change, words", [
    (_with_momentum, "momentum"),
    (_with_amsgrad, "amsgrad"),
    (_with_dropout, "Dropout"),
    (_with_relu, "ReLU"),
    (_with_stale_optimiser, "parameters"),
    (_with_rmsprop, "RMSprop"),
    (_with_l1_loss, "L1Loss"),
    (_with_weight_decay, "weight decay"),
    (_with_double, "float64"),
])
def test_unsupported_models_are_named(change, words):
    D, G = _first_gan()
    change(D, G)
    reason = fast.unsupported_reason(D, G, generate_random, "cpu")
    assert reason is not None and words in reason, reason
    assert resolve_engine("auto", D, G, train_gan, generate_random, torch.device("cpu"))[0] == "listing"
    with pytest.raises(EngineError, match=words):
        resolve_engine("fast", D, G, train_gan, generate_random, torch.device("cpu"))


def test_other_devices_noise_and_methods_are_named():
    D, G = _first_gan()
    assert "CPU" in fast.unsupported_reason(D, G, generate_random, "cuda")
    assert "CPU" in fast.unsupported_reason(D, G, generate_random, torch.device("mps"))
    assert "shape" in fast.unsupported_reason(D, G, lambda size: torch.rand(size + 1), "cpu")
    assert "float64" in fast.unsupported_reason(D, G, lambda size: torch.rand(size, dtype=torch.float64), "cpu")
    assert "train" in fast.unsupported_reason(OverriddenTrainD(), G, generate_random, "cpu")
    assert resolve_engine("auto", D, G, train_gan, generate_random, torch.device("cpu")) == ("fast", "")
    assert resolve_engine("listing", D, G, train_gan, generate_random, torch.device("cpu"))[0] == "listing"
    with pytest.raises(ValueError):
        fast.FastGAN(D, G, generate_random, 100)  # G takes one noise value, not 100


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: PYTHONPATH=codes python3 tests/test_fast_equivalence.py --write")
    # the tests of the math: both engines from the same state (the others ask which engine applies)
    status = pytest.main([__file__, "-n", "0", "-q", "-k", "iterations or ablation_bce or widths or resumes"])
    if status != 0:
        sys.exit(f"the equivalence tests failed: {fast.PROVEN_FILE.name} is left as it was")
    write_json(fast.PROVEN_FILE, {"checked_by": "tests/test_fast_equivalence.py", "functions": printed_code()})
    print(f"wrote {fast.PROVEN_FILE}")
