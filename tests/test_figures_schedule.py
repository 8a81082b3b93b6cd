"""make figures runs its trainings and notebooks in parallel: each job after those it needs, at most
one per core, the longest chain first; a failed job stops the others and names itself."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from script_module import load_script

from gankit import paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def make_figures(monkeypatch, tmp_path):
    module = load_script(ROOT / "tools" / "make_figures.py", "make_figures_schedule")
    monkeypatch.setattr(paths, "LOG_DIR", tmp_path / "logs")
    monkeypatch.setattr(module.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(module, "JOB_POLL_SECONDS", 0.05)
    return module


def job(module, tmp_path, name, seconds, needs=(), code=0, said=""):
    """A job that notes its start and end in tmp_path/events, sleeps, says ``said`` and exits ``code``."""
    events = tmp_path / "events"
    script = (f"import sys, time\n"
              f"open({str(events)!r}, 'a').write('start {name} %f\\n' % time.time())\n"
              f"time.sleep({seconds})\n"
              f"open({str(events)!r}, 'a').write('end {name} %f\\n' % time.time())\n"
              f"print({said!r}, file=sys.stderr)\n"
              f"sys.exit({code})\n")
    return module.Job(name, [sys.executable, "-c", script], {}, tmp_path / f"{name}.log", frozenset(needs))


def events(tmp_path) -> list[tuple[str, str, float]]:
    lines = (tmp_path / "events").read_text().split("\n")
    return sorted(((what, name, float(at)) for what, name, at in (line.split() for line in lines if line)),
                  key=lambda event: event[2])


def test_each_job_starts_after_those_it_needs_and_at_most_two_at_once(make_figures, tmp_path):
    module = make_figures
    jobs = [job(module, tmp_path, "long", 1.0), job(module, tmp_path, "short", 0.2),
            job(module, tmp_path, "after-short", 0.2, needs={"short"}),
            job(module, tmp_path, "after-both", 0.1, needs={"long", "after-short"}),
            job(module, tmp_path, "alone", 0.1, needs={"not a job of this run"})]
    module.run_jobs(jobs, {})
    seen = events(tmp_path)
    at = {(what, name): t for what, name, t in seen}
    for j in jobs:
        for needed in j.needs & {x.name for x in jobs}:
            assert at[("start", j.name)] >= at[("end", needed)], (j.name, needed)
    running, most = 0, 0
    for what, _, _ in seen:
        running += 1 if what == "start" else -1
        most = max(most, running)
    assert most == 2 and len(seen) == 2 * len(jobs)


def test_the_longest_chain_starts_first(make_figures, tmp_path):
    """The last run's times order the jobs: a short job that a long one waits for goes before a
    longer job that nothing waits for."""
    module = make_figures
    jobs = [job(module, tmp_path, "a", 0.1), job(module, tmp_path, "b", 0.1), job(module, tmp_path, "c", 0.1),
            job(module, tmp_path, "after-c", 0.1, needs={"c"})]
    times = {"a": 50.0, "b": 30.0, "c": 20.0, "after-c": 40.0}
    assert module.critical_paths(jobs, times) == {"a": 50.0, "b": 30.0, "c": 60.0, "after-c": 40.0}
    module.run_jobs(jobs, times)
    starts = [name for what, name, _ in events(tmp_path) if what == "start"]
    assert set(starts[:2]) == {"c", "a"}, starts


def test_a_failed_job_stops_the_others_and_says_why(make_figures, tmp_path, capsys):
    module = make_figures
    jobs = [job(module, tmp_path, "slow", 30.0), job(module, tmp_path, "broken", 0.2, code=1,
                                                       said="the last words of the broken job"),
            job(module, tmp_path, "never", 0.1, needs={"broken"})]
    begun = time.perf_counter()
    with pytest.raises(module.JobFailed, match="(?s)broken failed \\(exit 1\\).*the last words of the broken job"):
        module.run_jobs(jobs, {})
    assert time.perf_counter() - begun < 20  # "slow" was stopped, not waited for
    names = {name for _, name, _ in events(tmp_path)}
    assert "never" not in names and ("end", "slow") not in {(w, n) for w, n, _ in events(tmp_path)}
    assert "slow stopped" in capsys.readouterr().out


def test_a_failed_notebook_is_named_by_its_own_error_line(make_figures, tmp_path):
    module = make_figures
    name = module.NOTEBOOKS[0]
    failing = job(module, tmp_path, name, 0.1, code=1,
                  said=f"error: {name}: ValueError: bad setting; the notebook was not written. Fix the code")
    with pytest.raises(module.JobFailed) as raised:
        module.run_jobs([failing], {})
    assert str(raised.value) == f"{name}: ValueError: bad setting; the notebook was not written. Fix the code"


def test_a_notebook_needs_the_trainings_of_the_listings_it_runs_and_the_classifier_when_it_scores(make_figures):
    module = make_figures
    label = {listing[:-3]: what for listing, _, what in module.PRETRAIN}
    for name in module.NOTEBOOKS:
        cells = json.loads((ROOT / "book" / name).read_text(encoding="utf-8"))["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        expected = {what for listing, what in label.items() if listing in code}
        if "score_generator" in code:
            expected.add(module.CLASSIFIER)
        assert module.notebook_needs(name) == expected, name
    # the book's five notebooks, as the chapter runs them
    needs = [module.notebook_needs(name) for name in module.NOTEBOOKS]
    assert needs[0] == set() and needs[1] == {"第一个 GAN"}
    assert needs[2] == {"第一个 GAN", "改良 GAN", module.CLASSIFIER}
    assert needs[4] == {"改良 GAN", "卷积 GAN", module.CLASSIFIER}


def test_every_job_of_a_run_from_scratch_can_start(make_figures):
    """The jobs of make figures from scratch: the trainings, the classifier, every notebook; each
    needs only jobs of the run."""
    module = make_figures
    jobs = module.training_jobs({}, retrain=False) + [module.notebook_job(n, None, {}) for n in module.NOTEBOOKS]
    names = {j.name for j in jobs}
    assert all(j.needs <= names for j in jobs)
    assert len(names) == len(module.PRETRAIN) + 1 + len(module.NOTEBOOKS)
    assert all(j.env["OMP_NUM_THREADS"] == "1" for j in jobs if j.epochs)


def test_before_any_timed_run_the_longest_trainings_start_first(make_figures):
    """A fresh clone has no times yet: the convolutional GAN and feature matching (the longest, by the
    book's order reversed) start first, the notebooks after the trainings."""
    module = make_figures
    jobs = module.training_jobs({}, retrain=False) + [module.notebook_job(n, None, {}) for n in module.NOTEBOOKS]
    order = [job.name for job in module.start_order(jobs, {})]
    assert order[:2] == ["卷积 GAN", "特征匹配"]
    assert order.index(module.CLASSIFIER) < min(order.index(n) for n in module.NOTEBOOKS)


def test_a_training_s_progress_line_estimates_only_the_epochs_left(make_figures, tmp_path):
    module = make_figures
    training = module.Job("卷积 GAN", [], {}, tmp_path / "t.log", epochs=8)
    times = {"卷积 GAN": 800.0}
    training.log.write_text("")
    assert module.training_state(training, 5.0, times) == "卷积 GAN 0/8 epochs, about 13.3 min left (last run's pace)"
    training.log.write_text("检查点：已载入 ck/epoch06.pt（已完成 6 个轮次）\n")  # resumed after epoch 6
    assert module.training_state(training, 5.0, times) == "卷积 GAN 6/8 epochs, about 3.3 min left (last run's pace)"
    training.log.write_text("检查点：已载入 ck/epoch06.pt\n检查点：已保存 ck/epoch07.pt\n")
    assert module.training_state(training, 100.0, times) == "卷积 GAN 7/8 epochs, about 1.7 min left"
    training.log.write_text("检查点：已载入 ck/epoch08.pt（已完成 8 个轮次）\n")  # nothing left to train
    assert module.training_state(training, 5.0, times) == "卷积 GAN 8/8 epochs"
