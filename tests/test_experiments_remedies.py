"""Listing 10 and experiments.remedies: each remedy is what it claims, the listing runs, quick mode writes."""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from torch import nn

from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator
import chapter_2_3_2_10 as L10

from experiments import grid
from experiments import remedies as R

ROOT = Path(__file__).resolve().parents[1]
LISTING = ROOT / "codes" / "chapter_2_3_2_10.py"


class Images:
    """A stand-in for MnistDataset: just ``images`` and a length."""

    def __init__(self, n, seed=0):
        self.images = torch.rand(n, 784, generator=torch.Generator().manual_seed(seed))

    def __len__(self):
        return len(self.images)


# ------------------------------------------------------------------ listing 10 and PacGAN
def test_pacgan_discriminator_judges_packs_of_two():
    torch.manual_seed(0)
    D = R.PackedDiscriminator(pack=2)
    assert D.model[0].in_features == 2 * 784
    x = torch.rand(6, 784)
    out = D.forward(x)
    assert out.shape == (3, 1)  # 6 images -> 3 packs
    # pack 0 is images 0 and 1: changing image 1 changes pack 0's verdict only
    y = x.clone()
    y[1] = torch.rand(784)
    out2 = D.forward(y)
    assert not torch.allclose(out[0], out2[0])
    assert torch.equal(out[1:], out2[1:])
    # the rest is listing 09's improved discriminator: LayerNorm, LeakyReLU(0.02), BCE
    assert [type(m) for m in D.model] == [type(m) for m in ImprovedDiscriminator().model]
    assert isinstance(D.loss_function, nn.BCELoss)


def test_train_gan_batches_does_the_three_steps_per_batch(monkeypatch):
    torch.manual_seed(0)
    D, G = L10.BatchDiscriminator(), L10.BatchGenerator()
    calls = []
    monkeypatch.setattr(D, "train", lambda inputs, targets: calls.append(("D", inputs, targets)))
    monkeypatch.setattr(G, "train", lambda D_, inputs, targets: calls.append(("G", inputs, targets)))
    L10.train_gan_batches(D, G, Images(150), batch_size=64)
    assert len(calls) == 3 * 3  # 150 images: batches of 64, 64, 22
    for b, n in enumerate([64, 64, 22]):
        (k1, real, t1), (k2, fake, t2), (k3, seeds, t3) = calls[3 * b:3 * b + 3]
        assert (k1, k2, k3) == ("D", "D", "G")
        assert real.shape == (n, 784) and fake.shape == (n, 784) and seeds.shape == (n, 100)
        assert torch.equal(t1, torch.ones(n, 1)) and torch.equal(t2, torch.zeros(n, 1))
        assert torch.equal(t3, torch.ones(n, 1))
        assert fake.grad_fn is None  # step 2 detaches G's output
    # every real image is used once per epoch (shuffled)
    seen = torch.cat([c[1] for c in calls if c[0] == "D"][0::2])
    assert seen.shape == (150, 784)


def test_pacgan_trains_through_listing_10s_loop_unchanged():
    """The packing lives in PackedDiscriminator (forward and loss), not in listing 10's loop."""
    torch.manual_seed(0)
    D, G = R.REMEDIES["pacgan2"].build()
    seen = []

    class Spy(R.PackedLoss):
        def forward(self, out, target):
            seen.append((out.shape, target.shape))
            return super().forward(out, target)

    D.loss_function = Spy()
    before = [p.detach().clone() for p in D.parameters()]
    L10.train_gan_batches(D, G, Images(150), batch_size=64)
    # steps 1, 2 (D) and 3 (G, through D's loss) of batches 64, 64, 22: n/2 packs scored against n targets
    assert [o for o, _ in seen] == [(32, 1)] * 6 + [(11, 1)] * 3
    assert [t for _, t in seen] == [(64, 1)] * 6 + [(22, 1)] * 3
    assert D.counter == 6 and G.counter == 3
    assert any(not torch.equal(a, b) for a, b in zip(before, D.parameters()))
    assert "pack" not in Path(L10.__file__).read_text()  # listing 10 knows nothing of PacGAN


def test_listing10_help():
    res = subprocess.run([sys.executable, str(LISTING), "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    for flag in ("--data", "--device", "--seed", "--epochs", "--out", "--limit", "--retrain"):
        assert flag in res.stdout
    assert "默认：20" in res.stdout  # the stated budget: 20 epochs


def test_listing10_tiny_run_and_resume(tmp_path):
    cmd = [sys.executable, str(LISTING), "--data", "builtin", "--limit", "256", "--epochs", "1",
           "--checkpoints", str(tmp_path / "ck"), "--out", str(tmp_path / "fig")]
    env = dict(os.environ, TQDM_DISABLE="1")
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    assert "随机数种子： 0" in res.stdout and "轮次：1" in res.stdout
    assert (tmp_path / "fig" / "2-68.png").is_file()
    runs = list((tmp_path / "ck").glob("remedy-feature-matching-builtin256-seed0-cpu-*"))
    assert len(runs) == 1 and (runs[0] / "epoch01.pt").is_file()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0 and "检查点：已载入" in again.stdout


# ------------------------------------------------------------------ the other remedies
def test_every_remedy_is_a_small_change_of_the_improved_gan():
    improved_G = [type(m) for m in ImprovedGenerator().model]
    for name in R.REMEDIES:
        D, G = R.REMEDIES[name].build()
        assert isinstance(D, ImprovedDiscriminator) and isinstance(G, ImprovedGenerator), name
        assert [type(m) for m in G.model] == improved_G, name
        assert isinstance(D.loss_function, nn.BCELoss), name
        assert isinstance(D.model[1], nn.LayerNorm) and isinstance(D.model[2], nn.LeakyReLU), name


def test_feature_matching_generator_loss():
    torch.manual_seed(0)
    D, G = R.REMEDIES["feature-matching"].build()
    assert isinstance(D, L10.BatchDiscriminator) and isinstance(G, L10.FeatureMatchingGenerator)
    real = torch.rand(16, 784)
    D.train(real, torch.ones(16, 1))  # step 1 keeps the real batch
    D.train(torch.rand(16, 784), torch.zeros(16, 1))  # step 2 (a fake batch) leaves it alone
    assert torch.equal(D.real_batch, real)
    with torch.no_grad():  # real features under D as steps 1 and 2 left it
        expected_real = D.features(real).mean(0)

    seeds = torch.randn(16, 100)
    G.optimiser = torch.optim.SGD(G.parameters(), lr=1.0)  # so the step is minus the gradient
    before = [p.detach().clone() for p in G.parameters()]
    ref = ImprovedGenerator()
    ref.load_state_dict(G.state_dict())
    loss = ((expected_real - D.features(ref.forward(seeds)).mean(0)) ** 2).sum()
    grads = torch.autograd.grad(loss, list(ref.parameters()))
    G.train(D, seeds, torch.ones(16, 1))
    for p0, p1, g in zip(before, G.parameters(), grads):
        assert torch.allclose(p0 - p1, g, atol=1e-6)


def test_minibatch_discrimination_compares_samples():
    torch.manual_seed(0)
    D, _ = R.REMEDIES["minibatch-discrim"].build()
    layer = next(m for m in D.model if isinstance(m, R.MinibatchDiscriminationLayer))
    x = torch.randn(5, 200)
    out = layer(x)
    assert out.shape == (5, 200 + R.MBD_KERNELS)
    assert torch.equal(out[:, :200], x)
    M = (x @ layer.T).view(5, R.MBD_KERNELS, R.MBD_DIMS)
    explicit = torch.exp(-(M.unsqueeze(0) - M.unsqueeze(1)).abs().sum(3)).sum(0) - 1
    assert torch.allclose(out[:, 200:], explicit, atol=1e-5)
    y = x.clone()
    y[4] = torch.randn(200)
    assert not torch.allclose(layer(y)[0, 200:], out[0, 200:])  # sample 0 sees sample 4


def test_label_smoothing_is_one_sided():
    D, _ = R.REMEDIES["label-smoothing"].build()
    seen = []

    class Spy(nn.BCELoss):
        def forward(self, out, target):
            seen.append(target.clone())
            return super().forward(out, target)

    D.loss_function = Spy()
    D.train(torch.rand(4, 784), torch.ones(4, 1))
    D.train(torch.rand(4, 784), torch.zeros(4, 1))
    assert torch.allclose(seen[0], torch.full((4, 1), R.SMOOTH_TARGET))
    assert torch.equal(seen[1], torch.zeros(4, 1))


def test_spectral_norm_present_and_working():
    torch.manual_seed(0)
    D, G = R.REMEDIES["spectral-norm"].build()
    for i in (0, 3):
        assert nn.utils.parametrize.is_parametrized(D.model[i], "weight")
        assert any("SpectralNorm" in type(p).__name__ for p in D.model[i].parametrizations.weight)
    L10.train_gan_batches(D, G, Images(640), batch_size=64)
    for i in (0, 3):
        sigma = torch.linalg.matrix_norm(D.model[i].weight.detach(), ord=2)
        assert 0.9 < float(sigma) < 1.1


def test_ttur_learning_rates():
    D, G = R.REMEDIES["ttur"].build()
    assert D.optimiser.param_groups[0]["lr"] == R.TTUR_D_LR > G.optimiser.param_groups[0]["lr"] == R.TTUR_G_LR
    D0, G0 = R.REMEDIES["minibatch"].build()
    assert D0.optimiser.param_groups[0]["lr"] == G0.optimiser.param_groups[0]["lr"] == L10.LEARNING_RATE


# ------------------------------------------------------------------ the experiment
def _card(kl, fid, min_share=0.08):
    shares = [min_share] + [(1 - min_share) / 9] * 9
    return {"shares": shares, "min_share": min_share, "digits_at_least_1pct": 10, "kl_uniform": kl,
            "inception_score": 7.5, "mean_top_confidence": 0.9, "fid": fid, "precision": 0.7, "recall": 0.7,
            "density": 1.0, "coverage": 0.8, "memorised_share": 0.0}


def _run(arm, seed, card, cpu):
    return {"arm": arm, "seed": seed, "epochs": 20, "batch_size": 64, "generator_updates": 18760,
            "cpu_seconds": cpu, "scores": {"20": card}}


def test_table_and_best_come_from_the_results():
    arms = ["minibatch", "pacgan2"]
    data = {"settings": {"data": "d", "train_images_used": 10, "samples": 5},
            "arms": {n: R.REMEDIES[n].describe() for n in arms},
            "groups": {R.NAME: {"arms": arms, "seeds": [0, 1, 2], "epochs": 20, "score_epochs": [20]}},
            "anchors": {"noisy": _card(0.0, 100.0), "real": dict(_card(0.0, 2.0), memorised_share=0.011)},
            "runs": [_run("minibatch", s, _card(0.2, 150.0 + s), 100.0) for s in range(3)]
            + [_run("pacgan2", s, _card(0.05, 90.0 + 2 * s), 130.0) for s in range(3)]}
    result = R.analyse(data, {})
    assert result["best"] == "pacgan2"
    assert result["summary"]["pacgan2"]["goal"]["all"]
    assert not result["summary"]["minibatch"]["goal"]["fid_below_noisy"]
    table = R.remedies_table(data, {})
    assert "92.0 ± 2.0" in table and "151.0 ± 1.0" in table  # FID mean ± sd over seeds 0, 1, 2
    assert "（最佳）" in table.split("PacGAN")[1].split("\n")[0]
    # the baselines come from the ablation's results: they join the table and the goal check
    base = {"improved": {"epochs": 10, "runs": [(0, _card(0.01, 50.0, 0.09))]}}
    assert R.analyse(data, base)["best"] == "pacgan2"  # a baseline is never the best remedy
    assert "改良 GAN" in R.remedies_table(data, base)


def test_quick_mode_writes_json_table_and_figures(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "codes"), TQDM_DISABLE="1")
    cmd = [sys.executable, "-m", "experiments.remedies", "--quick", "--arms", "minibatch", "pacgan2",
           "--seeds", "0", "1", "--workers", "1", "--results", str(tmp_path / "res"),
           "--out", str(tmp_path / "fig"), "--checkpoints", str(tmp_path / "ck")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-3000:]
    data = json.loads((tmp_path / "res" / "remedies.json").read_text())
    runs = grid.group_runs(data, R.NAME)
    assert {r["arm"] for r in runs} == {"minibatch", "pacgan2"}
    assert [r["seed"] for r in runs if r["arm"] == "pacgan2"] == [0, 1]
    assert all(r["cpu_seconds"] > 0 and r["generator_updates"] > 0 for r in runs)
    result = R.analyse(data, {})
    assert result["summary"]["pacgan2"]["n"] == 2 and result["best"] in ("minibatch", "pacgan2")
    assert data["budget_measured"]["cpu_seconds_10_epochs"] > 0
    assert set(data["anchors"]) == {"real", "noisy", "blurred", "single_digit"}
    table = (tmp_path / "res" / "tables" / "remedies.md").read_text()
    assert "PacGAN" in table and "锚点" in table and "± " in table
    assert not (tmp_path / "fig" / "2-69.png").exists(), "2-69 is notebook 4's, from listing 10's checkpoint"
