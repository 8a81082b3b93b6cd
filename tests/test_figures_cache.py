"""make figures skips a stage whose inputs are those its last run ended with: what those inputs are."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from script_module import load_script

from gankit import paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def make_figures(monkeypatch, tmp_path):
    module = load_script(ROOT / "tools" / "make_figures.py", "make_figures_cache")
    checkpoints = tmp_path / "checkpoints"
    (checkpoints / "gan-x").mkdir(parents=True)
    (checkpoints / "gan-x" / "epoch01.pt").write_bytes(b"weights")
    monkeypatch.setattr(paths, "CHECKPOINT_DIR", checkpoints)
    results = tmp_path / "results"
    results.mkdir()
    (results / "conv_gan.json").write_text("{}")
    monkeypatch.setattr(paths, "results_dir", lambda run=None: results)
    return module, checkpoints, results


def test_the_same_inputs_give_the_same_stages(make_figures):
    module, _, _ = make_figures
    assert module.stage_inputs("code", None) == module.stage_inputs("code", None)


def test_a_changed_checkpoint_reruns_the_trainings_and_every_notebook(make_figures):
    module, checkpoints, _ = make_figures
    before = module.stage_inputs("code", None)
    target = checkpoints / "gan-x" / "epoch01.pt"
    target.write_bytes(b"other weights")
    after = module.stage_inputs("code", None)
    assert all(after[k] != before[k] for k in before)
    (checkpoints / "gan-x" / "epoch01.pt.lock").write_bytes(b"")  # a lock is not an input
    assert module.stage_inputs("code", None) == after


def test_changed_code_reruns_everything_and_results_only_the_notebooks(make_figures):
    module, _, results = make_figures
    before = module.stage_inputs("code", None)
    assert all(v != before[k] for k, v in module.stage_inputs("other code", None).items())
    (results / "conv_gan.json").write_text('{"runs": []}')
    after = module.stage_inputs("code", None)
    assert after["training"] == before["training"]
    assert all(after[n] != before[n] for n in module.NOTEBOOKS)
    (results / "chapter_metrics.json").write_text("{}")  # what the notebooks write is not what they read
    assert module.stage_inputs("code", None) == after


def test_the_code_digest_follows_the_code(make_figures, monkeypatch, tmp_path):
    module, _, _ = make_figures
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "SOURCES", ("codes",))
    first = module.sources_digest()
    (tmp_path / "codes" / "a.py").write_text("x = 2\n")
    assert module.sources_digest() != first
    os.utime(tmp_path / "codes" / "a.py")
    assert module.sources_digest() == module.sources_digest()


@pytest.mark.parametrize("source, why", [("%run failing.py", "ValueError: bad setting"),
                                         ("raise ValueError('bad setting')", "ValueError: bad setting"),
                                         ("%run exiting.py", "SystemExit: error: --data: no such folder")])
def test_a_notebook_whose_cell_fails_is_not_stored(make_figures, tmp_path, source, why):
    """%run prints a listing's exception as an output and the cell still counts as run: still an error;
    a listing that exits names why (its last line on stderr)."""
    import nbformat

    module, _, _ = make_figures
    (tmp_path / "failing.py").write_text("raise ValueError('bad setting')\n")
    (tmp_path / "exiting.py").write_text("import sys\nsys.stderr.write('error: --data: no such folder\\n')\n"
                                         "sys.exit(2)\n")
    notebook, out = tmp_path / "nb.ipynb", tmp_path / "out" / "nb.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('fine')"),
                                         nbformat.v4.new_code_cell(source)])
    nbformat.write(nb, notebook)
    with pytest.raises(module.NotebookError, match=why):
        module.execute(notebook, out, dict(os.environ))
    assert not out.exists()
