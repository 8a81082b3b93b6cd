"""The score card (gankit.classifier, gankit.metrics, gankit.scorecard, experiments.evaluate)
on the built-in MNIST subset.

The classifier is trained once per test session (CI size, about half a minute) into the
session's checkpoint folder (set by conftest.py); the real statistics are computed once.
"""
import hashlib
import json
import math
from pathlib import Path

import pytest
import torch

import gankit
from experiments import evaluate as experiment
from experiments.registry import all_models
from gankit import classifier as clf
from gankit import metrics
from gankit import scorecard as ev

BUILTIN_ACCURACY_BOUND = 0.95  # seed 0 gets 0.959 on the 1,000 built-in test images
RESULTS = Path(__file__).resolve().parents[1] / "results"
SCORED_RESULTS = ["ablation.json", "remedies.json", "conv_gan.json", "hopping.json"]  # the score card's files


@pytest.fixture(scope="session")
def reference():
    return ev.build_reference("builtin", log=lambda *a: None)


@pytest.fixture(scope="session")
def anchors(reference):
    return ev.score_anchors(n=500, seed=0, reference=reference)


def test_classifier_accuracy_on_builtin(reference):
    test = gankit.load_mnist("builtin", "test", quiet=True)
    acc = clf.accuracy(reference.classifier, test)
    assert acc >= BUILTIN_ACCURACY_BOUND, f"classifier test accuracy {acc:.4f}"
    features = reference.classifier.features(test.images[:3])
    assert features.shape == (3, clf.NUM_FEATURES)


def test_real_images_score_better_than_degraded_anchors(anchors):
    real, noisy, blurred = anchors["real"], anchors["noisy"], anchors["blurred"]
    assert real["fid"] < noisy["fid"] and real["fid"] < blurred["fid"]
    assert real["coverage"] > noisy["coverage"] and real["coverage"] > blurred["coverage"]
    assert real["recall"] > noisy["recall"] and real["recall"] > blurred["recall"]
    assert real["digits_at_least_1pct"] == 10 and real["kl_uniform"] < 0.05
    assert real["inception_score"] > 8


def test_single_digit_anchor_is_total_collapse(anchors):
    single = anchors["single_digit"]
    assert single["digits_at_least_1pct"] == 1
    assert single["kl_uniform"] == pytest.approx(math.log(10), abs=0.05)
    assert single["inception_score"] < 1.5
    assert single["coverage"] < 0.5 * anchors["real"]["coverage"]
    assert single["fid"] > anchors["blurred"]["fid"]


def test_kl_and_inception_score_limits():
    assert metrics.kl_to_uniform([0.1] * 10) == pytest.approx(0.0, abs=1e-12)
    assert metrics.kl_to_uniform(torch.ones(10)) == pytest.approx(0.0, abs=1e-12)
    assert metrics.kl_to_uniform([1] + [0] * 9) == pytest.approx(math.log(10))
    assert metrics.kl_to_uniform([0.5, 0.5] + [0] * 8) == pytest.approx(math.log(5))
    assert metrics.inception_score(torch.eye(10)) == pytest.approx(10.0)  # confident and all digits
    assert metrics.inception_score(torch.eye(10)[[3] * 10]) == pytest.approx(1.0)  # one digit only
    assert metrics.digit_shares(torch.tensor([3, 3, 7, 0])).tolist() == [0.25, 0, 0, 0.5, 0, 0, 0, 0.25, 0, 0]


def test_knn_recall_and_coverage_catch_collapse():
    gen = torch.Generator().manual_seed(0)
    real = torch.randn(400, 8, generator=gen)
    same = ev.knn_metrics(real, real.clone())
    assert same["recall"] == 1.0 and same["coverage"] == 1.0 and same["precision"] == 1.0
    collapsed = ev.knn_metrics(real, real[:1].repeat(400, 1))  # one good sample repeated
    assert collapsed["precision"] == 1.0  # precision alone is fooled ...
    assert collapsed["recall"] < 0.05 and collapsed["coverage"] < 0.05  # ... recall and coverage are not


def test_memorisation_flags_copies_of_training_images(reference, anchors):
    copies = ev.score_images(reference.train_images[:300], reference)
    assert copies["memorised_share"] == 1.0
    assert anchors["real"]["memorised_share"] < 0.05  # about 0.01 by construction
    assert anchors["noisy"]["memorised_share"] == 0.0


def test_score_generator_is_seeded_and_leaves_the_global_rng_alone(reference):
    arm = all_models()["improved-gan"]
    G, noise_fn, noise_size = arm.G(), arm.noise, arm.noise_size
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = ev.score_generator(G, noise_fn, noise_size, n=300, seed=5, reference=reference)
    assert torch.equal(torch.get_rng_state(), state)
    second = ev.score_generator(G, noise_fn, noise_size, n=300, seed=5, reference=reference)
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    assert first["n"] == 300 and sum(first["shares"]) == pytest.approx(1.0, abs=1e-3)
    # an untrained generator draws near-copies of one grey blob: far from real digits
    assert first["fid"] > 10 * ev.score_anchors(n=300, reference=reference)["real"]["fid"]


def test_cli_scores_a_checkpoint_and_writes_json(tmp_path, reference, capsys):
    G = all_models()["gan"].G()
    run = "gan-builtin4000-seed0-cpu-listing"
    gankit.Checkpoints(run, tmp_path / "ckpt").save(1, {"G": G})
    out = tmp_path / "scores.json"
    assert experiment.main(["--checkpoints", str(tmp_path / "ckpt"), "--out", str(out), "-n", "200"]) == 0
    scores = json.loads(out.read_text())["builtin4000"]
    assert set(scores["anchors"]) == {"real", "noisy", "blurred", "single_digit"}
    card = scores["generators"][f"{run}/epoch01"]
    assert card["model"] == "gan" and card["epoch"] == 1 and card["n"] == 200
    assert scores["classifier"]["test_accuracy"] >= BUILTIN_ACCURACY_BOUND
    sha = hashlib.sha256(Path(reference.classifier.info["checkpoint"]).read_bytes()).hexdigest()
    assert scores["classifier"]["sha256"] == card["classifier_sha256"] == sha, "the scores file names another classifier"
    assert "real test images" in capsys.readouterr().out
    assert experiment.read_json(out)["builtin4000"]["generators"] == scores["generators"]


def test_every_score_names_its_classifier_by_the_hash_of_its_checkpoint(reference, anchors):
    """One digit classifier for everything: a score card, the reference and every results file
    name the SHA-256 of the classifier's checkpoint file, so two scores by different classifiers
    can be told apart."""
    sha = hashlib.sha256(Path(reference.classifier.info["checkpoint"]).read_bytes()).hexdigest()
    assert ev.classifier_record(reference.classifier)["sha256"] == sha
    assert "checkpoint" not in ev.classifier_record(reference.classifier), "a path of the machine in a results file"
    assert reference.settings["classifier_sha256"] == sha
    assert {card["classifier_sha256"] for card in anchors.values()} == {sha}


def test_the_rescored_results_name_one_classifier():
    """conv_gan.json and hopping.json: scored by one classifier, whose hash they record."""
    named = {name: json.loads((RESULTS / name).read_text(encoding="utf-8")).get("classifier", {}).get("sha256")
             for name in ("conv_gan.json", "hopping.json")}
    assert None not in named.values() and len(set(named.values())) == 1, named


def test_the_committed_results_name_one_classifier():
    named = {name: json.loads((RESULTS / name).read_text(encoding="utf-8")).get("classifier", {}).get("sha256")
             for name in SCORED_RESULTS}
    assert None not in named.values(), f"results files that name no classifier: {named}"
    assert len(set(named.values())) == 1, f"scored by different classifiers: {named}"


def test_mode_hopping_scores_the_seeds_tables_first_gan_runs():
    """The appendix says figure 2-71's runs are the seeds table's: the same checkpoints."""
    seeds = json.loads((RESULTS / "ablation.json").read_text(encoding="utf-8"))
    hopping = json.loads((RESULTS / "hopping.json").read_text(encoding="utf-8"))
    first_gan = sorted(r["run"] for r in seeds["runs"] if r["arm"] == "gan")
    assert first_gan and first_gan == sorted(r["run"] for r in hopping["runs"])


def test_the_memorisation_threshold_is_computed_once_then_read_bit_for_bit(tmp_path, monkeypatch):
    """45 s of CPU on the full MNIST: the first score of a process computes it, later ones (other
    notebooks, other processes) read it from a file named by the data, the code and the threads."""
    monkeypatch.setattr(gankit.paths, "CHECKPOINT_DIR", tmp_path)
    train = gankit.load_mnist("builtin", "train", quiet=True)
    test = gankit.load_mnist("builtin", "test", quiet=True)
    computed = torch.quantile(ev.nearest_distances(test.images.cpu(), train.images.cpu()),
                              ev.MEMORISATION_PERCENTILE / 100).item()
    assert ev.memorisation_threshold(test, train) == computed
    [kept] = (tmp_path / "classifier").glob("memorisation-*.json")
    assert train.digest[:10] in kept.name and test.digest[:10] in kept.name and "threads" in kept.name
    calls = []
    monkeypatch.setattr(ev, "nearest_distances", lambda *a, **k: calls.append(a) or torch.zeros(len(a[0])))
    assert ev.memorisation_threshold(test, train) == computed and not calls  # read, the same float
    kept.write_text('{"threshold": ')  # cut short: a cache is computed again, never an error
    assert ev.memorisation_threshold(test, train) == 0.0 and len(calls) == 1
    assert json.loads(kept.read_text())["threshold"] == 0.0  # and written again
    ev.memorisation_threshold(train, test)  # other images: another file, computed
    assert len(calls) == 2 and len(list((tmp_path / "classifier").glob("memorisation-*.json"))) == 2
