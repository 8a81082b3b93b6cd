"""What determines a training run, in one short hash: its code, its hyperparameters, its data.

A run's checkpoints are kept under a name that ends with this fingerprint, so
an edited listing, another learning rate or another data file trains afresh
instead of loading a model that other code made. The code is read from the
objects themselves (``inspect``): the methods of the models' classes and the
functions the training loop calls, as far as they are the project's own code
(the listings and the experiments; not gankit, torch or numpy). Comments,
docstrings and layout do not count: the code is compared as a syntax tree.
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import site
import sysconfig
import textwrap
import types
from pathlib import Path

import numpy as np
import torch

LIBRARY_DIR = Path(__file__).resolve().parent
SHORT = 10  # hex digits of a fingerprint in a run name


def _library_folders() -> tuple[Path, ...]:
    """Where Python's own and installed libraries live, and gankit: code that is not the book's."""
    folders = {LIBRARY_DIR}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if sysconfig.get_paths().get(key):
            folders.add(Path(sysconfig.get_paths()[key]).resolve())
    folders |= {Path(p).resolve() for p in site.getsitepackages() + [site.getusersitepackages()]}
    return tuple(folders)


LIBRARIES = _library_folders()


def is_project_code(function) -> bool:
    """A function of a listing, an experiment or a notebook cell: not of gankit or a library."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    if code.co_filename.startswith("<"):  # typed in a notebook cell or an interpreter
        return True
    path = Path(code.co_filename).resolve()
    return not any(folder == path.parent or folder in path.parents for folder in LIBRARIES)


# function -> normalised source, as first read in this process. inspect reads the source from the
# file as it is now: after an edit, a function loaded before it would be described by the lines that
# now stand where it stood, and a long run's later epochs or runs named after code that is not
# running. Code loaded anew (a restarted kernel, importlib.reload) makes new function objects.
_SOURCES: dict = {}


def normalised_source(function) -> str:
    """The function's code as a syntax tree dump: comments, docstrings and layout left out; read
    once per process for the code that is running, whatever happens to its file afterwards."""
    if not isinstance(function, types.FunctionType):  # a builtin: no file to pin
        return _normalised_source(function)
    if function not in _SOURCES:  # the function object itself: its defaults are part of its source
        _SOURCES[function] = _normalised_source(function)
    return _SOURCES[function]


def _normalised_source(function) -> str:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return f"<no source: {getattr(function, '__qualname__', function)!r}>"
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a lambda cut out of a longer line
        return source.strip()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(getattr(body[0], "value", None), ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


def code_hash(function) -> str:
    """sha256 of ``normalised_source(function)``."""
    return hashlib.sha256(normalised_source(function).encode()).hexdigest()


def _functions_of_class(cls) -> list:
    # plot_* methods draw figures after training: they do not determine the run
    return [v for k, v in vars(cls).items() if isinstance(v, types.FunctionType) and not k.startswith("plot_")]


def qualified_name(function) -> str:
    """``chapter_2_3_2_03.py:Discriminator.train``: the file, not the module, so a listing run as a
    script, imported, or run with %run in a notebook (module ``__main__``) gives the same name."""
    filename = function.__code__.co_filename
    where = Path(filename).name if not filename.startswith("<") else "<cell>"
    return f"{where}:{function.__qualname__}"


def _referenced(function) -> list:
    """Functions and classes a function names as globals (also inside its lambdas and comprehensions)."""
    names, stack = set(), [function.__code__]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        stack += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    found = []
    for name in sorted(names):
        value = function.__globals__.get(name)
        if isinstance(value, (types.FunctionType, type)):
            found.append(value)
    return found


def project_code(*roots) -> dict[str, str]:
    """{qualified name: code hash} of the project's own code reachable from ``roots``: functions,
    classes (their methods and base classes), instances (their class), followed through the globals
    each function names."""
    seen, out, todo = set(), {}, list(roots)
    while todo:
        item = todo.pop()
        if not isinstance(item, (types.FunctionType, type)):
            item = type(item)
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, type):
            todo += [base for base in item.__mro__[1:] if base is not object]
            todo += _functions_of_class(item)
            continue
        if not is_project_code(item):
            continue
        if item.__name__ != "<lambda>":  # a lambda only passes arguments on: what it calls counts
            out[qualified_name(item)] = code_hash(item)
        todo += _referenced(item)
    return dict(sorted(out.items()))


def hyperparameters(models: dict) -> str:
    """The models' layers, losses and optimiser settings as text (the weights come from the seed)."""
    parts = []
    for name, model in sorted(models.items()):
        parts.append(f"{name}: {model!r}")
        if hasattr(model, "loss_function"):
            parts.append(f"{name}.loss: {model.loss_function!r}")
        if hasattr(model, "optimiser"):
            groups = [{k: v for k, v in g.items() if k != "params"} for g in model.optimiser.param_groups]
            parts.append(f"{name}.optimiser: {type(model.optimiser).__name__} {groups!r}")
    return "\n".join(parts)


_DIGESTS: dict = {}  # (storage address, shape) -> digest: the data is hashed once per process


def data_digest(images: torch.Tensor, labels: torch.Tensor | None = None) -> str:
    """sha256 of the images (and labels) a run trains on."""
    key = (images.data_ptr(), tuple(images.shape), None if labels is None else (labels.data_ptr(), len(labels)))
    if key not in _DIGESTS:
        _DIGESTS[key] = _digest(images, labels)
    return _DIGESTS[key]


def _digest(images, labels) -> str:
    digest = hashlib.sha256(np.ascontiguousarray(images.detach().cpu().numpy()).tobytes())
    if labels is not None:
        digest.update(np.ascontiguousarray(labels.detach().cpu().numpy()).tobytes())
    return digest.hexdigest()


def run_fingerprint(models: dict, code, dataset) -> str:
    """The short fingerprint of a run: its project code, hyperparameters and training data."""
    used = len(dataset)  # a listing's MnistDataset or an MnistData: the images it trains on
    parts = [repr(project_code(*models.values(), *code)), hyperparameters(models),
             data_digest(dataset.images[:used], dataset.labels[:used])]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:SHORT]
