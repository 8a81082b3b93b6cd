"""The suite's own set-up (conftest.py): worker groups for pytest-xdist, models kept outside the tree."""
import os
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BROWSER_FIXTURES = {"book_html", "browser"}  # the tests that open the built book or Chromium


def uses_browser(item) -> bool:
    return bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))  # a notebook cell has none


def group_of(item) -> str:
    marks = [mark.args[0] if mark.args else mark.kwargs["name"] for mark in item.iter_markers("xdist_group")]
    assert len(marks) == 1, f"{item.nodeid}: worker groups {marks}"
    return marks[0]


def test_a_notebook_and_a_test_file_each_run_on_one_worker(request):
    """A notebook's cells share one kernel: split across workers, later cells would miss earlier ones."""
    groups = defaultdict(set)
    for item in request.session.items:
        if not uses_browser(item):
            groups[item.nodeid.split("::")[0]].add(group_of(item))
    if not any(name.endswith(".ipynb") for name in groups):
        pytest.skip("no notebook collected in this run")
    split = {name: sorted(g) for name, g in groups.items() if len(g) != 1}
    assert not split, f"files whose tests run on several workers: {split}"
    assert len({g for gs in groups.values() for g in gs}) == len(groups)  # and no two files in one group


def test_the_workers_keep_the_groups(request):
    """Only pytest-xdist's loadgroup keeps a group on one worker; load or loadfile would ignore it."""
    if not hasattr(request.config, "workerinput"):  # only a worker has it
        pytest.skip("the tests run in one process (-n 0)")
    assert request.config.option.loadgroup, "pytest.ini must run the workers with --dist loadgroup"  # its own --dist is "no"


def test_every_test_of_the_book_and_the_browser_runs_on_one_worker(request):
    """The book is built once into _build/html, and read while no other build overwrites it."""
    browser = [item for item in request.session.items if uses_browser(item)]
    if not browser:
        pytest.skip("no test of the book or the browser collected in this run")
    assert {group_of(item) for item in browser} == {"browser"}


def test_models_and_compiled_kernels_go_to_the_sessions_folder_outside_the_tree():
    session = Path(os.environ["GANBOOK_TEST_SESSION_DIR"])
    assert session.is_dir() and not session.resolve().is_relative_to(ROOT)
    for name in ("GANBOOK_CHECKPOINTS", "NUMBA_CACHE_DIR"):
        assert Path(os.environ[name]).resolve().is_relative_to(session.resolve()), name
