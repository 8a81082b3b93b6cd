"""How the tests load a script that is not a package module (``tools/``, ``bench/``, ``_ext/``)."""
import importlib.util
import sys
from pathlib import Path


def load_script(path: Path, name: str | None = None, register: bool = False):
    """The module of the file ``path``, named ``name`` (its stem by default).

    ``register``: also put it in ``sys.modules`` (a dataclass looks its module up there).
    """
    name = name or Path(path).stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
