"""experiments.ablation: one fix per variant, the quick experiment end to end, tables from the JSON."""
import csv
import dataclasses
import json

import pytest
import torch
from torch import nn

from chapter_2_3_2_03 import Discriminator
from chapter_2_3_2_06 import Generator
from chapter_2_3_2_09 import ImprovedDiscriminator, ImprovedGenerator

from experiments import ablation as ab
from experiments import grid
from gankit import fast
from gankit.figures import plot_digit_shares
from gankit.metrics import is_collapsed


def _distribution(noise_fn, size):
    torch.manual_seed(0)
    x = noise_fn(20000 * size).float()
    if x.min() >= 0 and x.max() < 1 and abs(x.mean() - 0.5) < 0.01 and abs(x.std() - (1 / 12) ** 0.5) < 0.01:
        return "uniform[0,1)"
    if x.min() < -3 and abs(x.mean()) < 0.02 and abs(x.std() - 1) < 0.02:
        return "normal(0,1)"
    return "other"


def build(name):
    arm = ab.VARIANTS[name]
    return (*arm.build(), arm.noise, arm.noise_size)


def fingerprint(name):
    """Everything the five fixes can change, read from the built objects."""
    D, G, noise_fn, noise_size = build(name)
    leaky = [m.negative_slope for m in list(D.model) + list(G.model) if isinstance(m, nn.LeakyReLU)]
    return {
        "loss": type(D.loss_function),
        "D_opt": (type(D.optimiser), D.optimiser.param_groups[0]["lr"]),
        "G_opt": (type(G.optimiser), G.optimiser.param_groups[0]["lr"]),
        "D_layers": tuple(type(m) for m in D.model),
        "G_layers": tuple(type(m) for m in G.model),
        "slopes": tuple(leaky),
        "noise_size": noise_size,
        "G_inputs": G.model[0].in_features,
        "noise_dist": _distribution(noise_fn, noise_size),
    }


LN_BLOCK = (nn.Linear, nn.LayerNorm, nn.LeakyReLU, nn.Linear, nn.Sigmoid)
SINGLE_FIXES = {
    "bce": {"loss": nn.BCELoss},
    "layernorm": {"D_layers": LN_BLOCK, "G_layers": LN_BLOCK, "slopes": (0.02, 0.02)},
    "adam": {"D_opt": (torch.optim.Adam, 1e-4), "G_opt": (torch.optim.Adam, 1e-4)},
    "seed100": {"noise_size": 100, "G_inputs": 100},
    "normal": {"noise_dist": "normal(0,1)"},
}


def test_baseline_is_the_first_gan():
    base = fingerprint("gan")
    sig = (nn.Linear, nn.Sigmoid, nn.Linear, nn.Sigmoid)
    assert base == {"loss": nn.MSELoss, "D_opt": (torch.optim.SGD, 0.01), "G_opt": (torch.optim.SGD, 0.01),
                    "D_layers": sig, "G_layers": sig, "slopes": (), "noise_size": 1, "G_inputs": 1,
                    "noise_dist": "uniform[0,1)"}
    D, G, _, _ = build("gan")
    assert type(D) is Discriminator and type(G) is Generator


@pytest.mark.parametrize("name", sorted(SINGLE_FIXES))
def test_each_variant_applies_exactly_one_fix(name):
    base, variant = fingerprint("gan"), fingerprint(name)
    changed = {k: variant[k] for k in base if variant[k] != base[k]}
    assert changed == SINGLE_FIXES[name]


def test_all_five_is_listing_09():
    base, improved = fingerprint("gan"), fingerprint("improved")
    expected = {k: v for fix in SINGLE_FIXES.values() for k, v in fix.items()}
    assert {k: improved[k] for k in base if improved[k] != base[k]} == expected
    D, G, noise_fn, noise_size = build("improved")
    assert type(D) is ImprovedDiscriminator and type(G) is ImprovedGenerator and noise_size == 100
    assert ab.VARIANTS["improved"].prefix == "improved-gan" and ab.VARIANTS["gan"].prefix == "gan"


@pytest.mark.parametrize("name", list(ab.VARIANTS))
def test_variants_train_with_the_listings_loop(name):
    """Subclasses as listing 09 makes them: the listings' train()/forward(), optimisers on the current
    weights, LayerNorm before LeakyReLU, and the fast engine accepts them."""
    D, G, noise_fn, noise_size = build(name)
    for model, base in ((D, Discriminator), (G, Generator)):
        assert isinstance(model, base)
        assert type(model).train is base.train and type(model).forward is base.forward
        held = {id(p) for group in model.optimiser.param_groups for p in group["params"]}
        assert held == {id(p) for p in model.parameters()}, "optimiser does not hold the model's weights"
        kinds = [type(m) for m in model.model]
        if nn.LeakyReLU in kinds:
            assert kinds.index(nn.LayerNorm) == kinds.index(nn.LeakyReLU) - 1
    assert fast.unsupported_reason(D, G, noise_fn, "cpu") is None
    from chapter_2_3_2_08 import train_gan

    data = [(0, torch.rand(784), torch.zeros(10)) for _ in range(3)]
    before = [p.detach().clone() for p in G.parameters()]
    train_gan(D, G, data, noise_fn, noise_size)
    assert D.counter == 6 and G.counter == 3
    assert any(not torch.equal(a, b) for a, b in zip(before, G.parameters()))


def test_collapse_rule():
    card = {"digits_at_least_1pct": 10, "kl_uniform": 0.05}
    assert not is_collapsed(card)
    assert is_collapsed({**card, "digits_at_least_1pct": 2})
    assert is_collapsed({**card, "kl_uniform": 1.6})
    assert not is_collapsed({"digits_at_least_1pct": 3, "kl_uniform": 1.2})


# ------------------------------------------------------------------ the quick run, end to end
@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    root = tmp_path_factory.mktemp("ablation")
    args = ["--quick", "--checkpoints", str(root / "ck"), "--results", str(root / "res"), "--workers", "2"]
    assert ab.main(args) == 0
    data = json.loads((root / "res" / f"{ab.NAME}.json").read_text())
    return root, data


def test_quick_run_writes_json_with_every_group(quick):
    root, data = quick
    budget = ab.QUICK
    seeds, ablation = data["groups"]["seeds"], data["groups"]["ablation"]
    assert {k: seeds[k] for k in ("arms", "seeds", "epochs", "score_epochs")} == {
        "arms": ["gan", "improved"], "seeds": budget["seeds"], "epochs": budget["seed_epochs"],
        "score_epochs": [1, budget["seed_epochs"]]}
    seed_runs, ablation_runs = grid.group_runs(data, "seeds"), grid.group_runs(data, "ablation")
    assert len(seed_runs) == 2 * len(budget["seeds"])
    assert [r["arm"] for r in ablation_runs] == list(ab.VARIANTS)
    for group, runs in ((seeds, seed_runs), (ablation, ablation_runs)):
        assert group["wall_seconds"] > 0 and group["complete"] and group["runs_done"] == group["runs_planned"]
        for r in runs:
            assert r["engine"] == "fast" and r["epochs_trained"] == r["epochs"] == group["epochs"]
            assert r["images"] == budget["limit"] and r["cpu_seconds"] > 0
            for card in r["scores"].values():
                assert card["n"] == budget["samples"] and len(card["shares"]) == 10
                assert card["collapsed"] == is_collapsed(card)
    # the first and improved GAN keep the listings' run names (make figures' checkpoints are reused) ...
    runs = {(r["arm"], r["seed"]): r for r in seed_runs}
    assert runs[("gan", 0)]["run"].startswith(f"gan-builtin{budget['limit']}-seed0-")
    assert runs[("improved", 0)]["run"].startswith(f"improved-gan-builtin{budget['limit']}-seed0-")
    # ... and seed 0 of the ablation is the same run, stored and scored once
    assert sum(1 for r in data["runs"] if (r["arm"], r["seed"]) == ("gan", 0)) == 1
    assert set(runs[("gan", 0)]["scores"]) == {"1", "2"}
    assert set(data["anchors"]) == {"real", "noisy", "blurred", "single_digit"}
    assert data["settings"]["quick"] and data["settings"]["data_key"] == f"builtin{budget['limit']}"
    summary = ab.summaries(data, "seeds")["gan"]["1"]
    fids = [r["scores"]["1"]["fid"] for r in seed_runs if r["arm"] == "gan"]
    assert summary["fid"]["mean"] == pytest.approx(sum(fids) / len(fids), abs=1e-3)
    assert summary["n"] == len(budget["seeds"])
    with open(root / "res" / ab.CSV_FILE) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * len(seed_runs) + len(ablation_runs) + 4
    assert rows[0]["seed"] == "0" and rows[-1]["part"] == "anchor"


def test_second_run_loads_the_checkpoints(quick):
    root, _ = quick
    cfg = grid.Config(data="builtin", limit=ab.QUICK["limit"], samples=50, checkpoints=str(root / "ck"))
    job = grid.Job("ablation", "bce", 0, ab.QUICK["ablation_epochs"], (ab.QUICK["ablation_epochs"],))
    result = grid.run_job(ab.VARIANTS["bce"], job, cfg)
    assert result["epochs_trained"] == 0 and result["cpu_seconds"] > 0
    assert result["scores"]["2"]["n"] == 50


def test_score_cards_are_reused_only_for_the_same_settings(quick):
    _, data = quick
    q = ab.QUICK
    cfg = grid.Config(data="builtin", limit=q["limit"], samples=q["samples"], sample_seed=0)
    reuse = grid.reusable(ab.EXPERIMENT, data, cfg, q["limit"])
    assert len(reuse) == len(q["seeds"]) * 2 + len(ab.VARIANTS) - 2  # gan/improved seed 0 are in both groups
    assert set(reuse[("gan", 0, q["seed_epochs"])]["scores"]) == {"1", str(q["seed_epochs"])}
    for other in (grid.Config(data="builtin", samples=q["samples"] + 1),
                  grid.Config(data="builtin", samples=q["samples"], sample_seed=1)):
        assert grid.reusable(ab.EXPERIMENT, data, other, q["limit"]) == {}
    assert grid.reusable(ab.EXPERIMENT, data, cfg, 4000) == {}


def test_score_cards_of_changed_code_are_not_reused(quick):
    """A record is reused only while its run is the one the code trains now (the same fingerprint)."""
    root, data = quick
    q = ab.QUICK
    cfg = grid.Config(data="builtin", limit=q["limit"], samples=q["samples"], sample_seed=0,
                      checkpoints=str(root / "ck"))
    reuse = grid.reusable(ab.EXPERIMENT, data, cfg, q["limit"])
    assert len(reuse) == len(data["runs"])  # nothing changed: every record

    class EditedDiscriminator(ab.VARIANTS["bce"].D):
        def __init__(self):
            super().__init__()
            self.optimiser = torch.optim.SGD(self.parameters(), lr=0.02)  # an edited learning rate

    arms = {**ab.EXPERIMENT.arms, "bce": dataclasses.replace(ab.VARIANTS["bce"], D=EditedDiscriminator)}
    said = []
    kept = grid.reusable(dataclasses.replace(ab.EXPERIMENT, arms=arms), data, cfg, q["limit"], log=said.append)
    edited = {k for k in reuse if k[0] == "bce"}
    assert edited and not edited & set(kept) and len(kept) == len(reuse) - len(edited)
    assert said and said[0].startswith(f"{len(edited)} earlier runs are of other code")


def test_runs_of_arms_the_experiment_no_longer_has_are_left_out(quick):
    _, data = quick
    old = json.loads(json.dumps(data))
    old["runs"].append(dict(old["runs"][0], arm="gone"))
    old["arms"]["gone"] = {"label": "an arm whose code was removed"}
    jobs = grid.plan(ab.EXPERIMENT, {})
    merged = grid.assemble(ab.EXPERIMENT, grid.Results(runs={}), old["settings"], {}, jobs, old, 1, 0.0)
    assert "gone" not in merged["arms"] and not [r for r in merged["runs"] if r["arm"] == "gone"]
    assert len(merged["runs"]) == len(data["runs"])  # the others are kept


def test_tables_are_read_from_the_json(quick):
    root, data = quick
    folder = root / "res" / "tables"
    for name in ab.TABLES:
        assert (folder / name).is_file()
    table = (folder / "ablation.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("|:")]
    assert len(rows) == 1 + len(ab.VARIANTS) + 4  # header, variants, anchors
    fid = ab.summaries(data, "ablation")["adam"]["2"]["fid"]["mean"]
    adam_row = next(r for r in rows if r.startswith(f"| {data['arms']['adam']['label_zh']} "))
    assert f"{fid:.1f}" in adam_row and "SGD(lr=0.01) → Adam(lr=0.0001)" in adam_row
    # change the numbers in the JSON: the tables follow
    changed = json.loads(json.dumps(data))
    for r in changed["runs"]:
        if r["arm"] == "adam":
            r["scores"]["2"]["fid"] = 123.456
    changed["anchors"]["noisy"]["fid"] = 45.678
    changed["groups"]["ablation"]["epochs"] = 7
    changed["groups"]["ablation"]["score_epochs"] = [7]
    for r in changed["runs"]:
        if r["arm"] in changed["groups"]["ablation"]["arms"] and r["seed"] in changed["groups"]["ablation"]["seeds"]:
            r["epochs"] = 7
            r["scores"]["7"] = r["scores"].pop("2")
    changed["groups"]["ablation"]["arm_epochs"] = {a: 7 for a in changed["groups"]["ablation"]["arm_epochs"]}
    text = ab.ablation_table(changed)
    assert "123.5" in text and "45.7" in text and "训练 7 个轮次" in text
    assert f"{fid:.1f}" not in text.split(data["arms"]["adam"]["label_zh"])[1].splitlines()[0]
    seeds_text = ab.seeds_table(data)
    s = ab.summaries(data, "seeds")["improved"]["1"]["inception_score"]
    assert f"{s['mean']:.2f} ± {s['sd']:.2f}" in seeds_text
    assert f"{len(data['groups']['seeds']['seeds'])} 个种子" in seeds_text


def test_digit_share_chart_shows_the_shares():
    import matplotlib

    matplotlib.use("Agg")
    shares = {"a": [0.1] * 10, "b": [1.0] + [0.0] * 9}
    fig = plot_digit_shares(shares)
    assert len(fig.axes) == 2
    for ax, values in zip(fig.axes, shares.values()):
        assert [p.get_height() for p in ax.patches] == pytest.approx([100 * v for v in values])
