"""One-off: rewrite results/ablation.json and results/remedies.json in the grid runner's layout.

The score cards, times and settings are copied as they are; derived numbers
(summaries, the best remedy, copies of the baselines) are dropped, since the
tables compute them. Run once from the project root:
``PYTHONPATH=codes python tools/migrate_results.py``.
"""
import json
from pathlib import Path

from experiments import ablation, remedies
from gankit.storage import write_json

RESULTS = Path("results")


def migrate_ablation(old: dict) -> dict:
    runs = {}
    groups = {}
    for part, p in old["parts"].items():
        b = p["budget"]
        workers = p.get("run_settings", old["settings"])["workers"]
        for r in p["runs"]:
            key = (r["variant"], r["seed"], r["epochs"])
            rec = runs.setdefault(key, {
                "arm": r["variant"], "seed": r["seed"], "run": r["run"], "engine": r["engine"],
                "epochs": r["epochs"], "images": r["images"], "epochs_trained": r["epochs_trained"],
                "train_seconds": r["train_seconds"], "cpu_seconds": None,
                "score_seconds": r["score_seconds"], "scores": {}})
            rec["scores"].update(r["scores"])
        arms = list(dict.fromkeys(r["variant"] for r in p["runs"]))
        groups[part] = {"arms": [a for a in ablation.VARIANTS if a in arms], "seeds": b["seeds"],
                        "epochs": b["epochs"], "score_epochs": b["score_epochs"],
                        "arm_epochs": {a: b["epochs"] for a in arms},
                        "complete": p.get("complete", True), "runs_done": len(p["runs"]),
                        "runs_planned": p.get("runs_planned", len(p["runs"])),
                        "runs_trained": sum(1 for r in p["runs"] if r["epochs_trained"] > 0
                                            and not r.get("scores_reused")),
                        "wall_seconds": p["wall_seconds"], "workers": workers}
    order = list(ablation.VARIANTS)
    return {"settings": old["settings"],
            "arms": {n: a.describe() for n, a in ablation.VARIANTS.items()},
            "groups": groups,
            "runs": sorted(runs.values(), key=lambda r: (order.index(r["arm"]), r["seed"], r["epochs"])),
            "anchors": old["anchors"], "reference": old["reference"], "classifier": old["classifier"],
            "anchors_seconds": old["anchors_seconds"]}


def migrate_remedies(old: dict) -> dict:
    runs = []
    for name, entry in old["remedies"].items():
        for r in entry["runs"]:
            runs.append({"arm": name, "seed": r["seed"], "run": r["run"], "engine": None, "epochs": r["epochs"],
                         "images": r["images"], "epochs_trained": r["epochs"],
                         "generator_updates": r["generator_updates"], "train_seconds": r["wall_seconds_this_call"],
                         "cpu_seconds": r["cpu_seconds"], "batch_size": r["batch_size"],
                         "score_seconds": r["score_seconds"], "scores": {str(r["epochs"]): r["card"]}})
    s = old["settings"]
    arms = list(old["remedies"])
    group = {"arms": arms, "seeds": s["seeds"], "epochs": s["epochs"], "score_epochs": [s["epochs"]],
             "arm_epochs": {a: old["remedies"][a]["runs"][0]["epochs"] for a in arms},
             "complete": s.get("complete", True), "runs_done": len(runs), "runs_planned": len(runs),
             "runs_trained": len(runs), "wall_seconds": old["wall_seconds"], "workers": s["workers"]}
    settings = {k: v for k, v in s.items() if k not in ("epochs", "batch_size", "seeds", "goal", "complete")}
    return {"settings": settings,
            "arms": {n: a.describe() for n, a in remedies.REMEDIES.items()},
            "groups": {remedies.NAME: group},
            "runs": runs,
            "anchors": old["anchors"], "reference": old["reference"], "classifier": old["classifier"],
            "anchors_seconds": old["anchors_seconds"], "budget_measured": old["budget_measured"]}


if __name__ == "__main__":
    for name, migrate in (("ablation", migrate_ablation), ("remedies", migrate_remedies)):
        path = RESULTS / f"{name}.json"
        old = json.loads(path.read_text())
        if "runs" in old:
            print(f"{path}: already in the new layout")
            continue
        write_json(path, migrate(old))
        print(f"{path}: migrated")
