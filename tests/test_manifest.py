"""The book's manifest declares every model once; the tools, the experiments and the listings' runs read it."""
import re
from pathlib import Path

import manifest
from gankit import catalog
from gankit.training import run_prefix
from script_module import load_script

ROOT = Path(__file__).resolve().parents[1]
CODES = ROOT / "codes"
TOML = CODES / "manifest.toml"


def load_tool(name: str):
    return load_script(ROOT / "tools" / f"{name}.py", f"manifest_test_{name}", register=True)


def project_files() -> list[Path]:
    """The code that could spell a model's name: codes/, tools/, the manifest and the notebooks."""
    return sorted([*CODES.rglob("*.py"), TOML, *(ROOT / "tools").glob("*.py"), *(ROOT / "book").glob("*.ipynb")])


def test_each_model_is_named_in_one_file_only():
    texts = {path: path.read_text(encoding="utf-8") for path in project_files()}
    for model in manifest.MODELS.values():
        quoted = re.compile(rf"(?<![\w-])[\"']{re.escape(model.name)}[\"']")
        holders = [path.relative_to(ROOT) for path, text in texts.items() if quoted.search(text)]
        assert holders == [TOML.relative_to(ROOT)], f"{model.name!r} is spelled in {holders}"


def test_book_epochs_have_one_home():
    """The listing's EPOCHS (its default) and the manifest's more_epochs; no tool spells them."""
    for model in manifest.MODELS.values():
        listing = (CODES / model.listing).read_text(encoding="utf-8")
        assert len(re.findall(r"(?m)^EPOCHS = \d+", listing)) == 1, model.listing
    spelled = re.compile(r"--epochs[\"', ]+\d|epochs=\d")
    for path in [*(ROOT / "tools").glob("*.py"), *(CODES / "experiments").glob("*.py"), CODES / "manifest.py"]:
        assert not spelled.search(path.read_text(encoding="utf-8")), f"{path.name} spells a number of epochs"


def test_the_manifest_reads_as_the_book_says():
    first = manifest.trained_by("chapter_2_3_2_08.py")
    assert first.epochs == (1, 10) and first.noise_size == 1 and first.widget_epochs == tuple(range(1, 11))
    assert manifest.trained_by("chapter_2_3_2_11.py").draws == "average"
    assert list(manifest.GANS) == [m.name for m in manifest.MODELS.values() if m.G is not None]


def test_figures_are_those_the_catalog_registers():
    """The catalog's figures of a model's listing are the model's; a new model's may be unnumbered."""
    for model in manifest.MODELS.values():
        assert set(catalog.made_by(model.listing)) <= set(model.figures), model.name
        assert all(catalog.FIGURES[f].made_by == model.listing for f in model.figures if f in catalog.FIGURES)
        assert all(catalog.is_known(f) for f in model.figures)


def test_tools_and_experiments_read_it():
    make_figures, export = load_tool("make_figures"), load_tool("export_generators")
    assert make_figures.PRETRAIN == [(m.listing, m.book_epochs, m.label) for m in manifest.GANS.values()]
    widgets = [m for m in manifest.GANS.values() if m.widget]
    assert [(e.key, e.prefix, e.epochs) for e in export.MODELS] == [(m.name, m.run, m.widget_epochs) for m in widgets]
    from experiments import samples
    from experiments.models import FIRST_GAN

    epochs = samples.reference_epochs()
    assert all(epochs[m.run] == m.book_epochs for m in manifest.GANS.values())
    first = manifest.trained_by("chapter_2_3_2_08.py")
    assert (FIRST_GAN.D, FIRST_GAN.G, FIRST_GAN.noise, FIRST_GAN.prefix) == (first.D, first.G, first.noise, first.run)


def test_a_listing_run_is_named_after_its_model():
    for model in manifest.MODELS.values():
        assert run_prefix(model.listing) == model.run
    assert run_prefix("chapter_2_3_2_99.py") == "listing99"  # a reader's new listing, not yet declared
