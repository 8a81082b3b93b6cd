"""`make widgets`: the trained generators' weights, for the widgets that run them in the HTML book.

The book's interactive widgets (``_static/widgets/gan_widgets.js``) run three trained
generators in plain JavaScript in the reader's browser: the first GAN (listing 06/08,
every epoch 1-10, for the epoch slider), the improved GAN (listing 09, epoch 10) and
the best remedy of section 8 (listing 10, feature matching, epoch 20), plus the digit
classifier of the score card (``gankit/classifier.py``) for the digit-share bar chart.

This script reads their checkpoints and writes, into ``_static/widgets/weights/``:

- one ``<model>-epochNN.bin`` per model and epoch: every tensor of the network in
  the order of its layers, as little-endian float16 (2 bytes a value);
- ``manifest.json``: for each model the layers (type, sizes, where each tensor starts
  in its file), the noise it takes, the run it comes from (data, 随机数种子, epochs,
  device, engine), a SHA-256 of each file, of the checkpoint and of the listings that
  define the model, and the largest change float16 rounding makes to an output pixel;
  plus the book's colour map ("Blues", 256 colours, from matplotlib).

Same checkpoint, same bytes: nothing depends on the time, the machine's paths or the
order of a folder listing. The runs are found like the listings name them (``gankit.RunName``):
the data and 随机数种子 of the settings, any device and engine; of several runs of one model
(say, before and after an edit of its listing) the one trained last. A reader who trained
their own GANs exports their own generators with the same command: the reference
configuration (full MNIST, 随机数种子 0) writes into the book's ``_static/widgets/weights/``,
any other run into its own run folder (``_build/runs/<data>-seed<seed>/``), from which
``make book RUN=<name>`` builds the reader's book. ``--checkpoints``, ``--data``, ``--seed``
pick the runs, ``--run MODEL=RUN`` names one explicitly, ``--out`` (or ``$GANBOOK_WIDGETS``)
moves the output.

    PYTHONPATH=codes python3 tools/export_generators.py [--checkpoints DIR] [--out DIR]
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import importlib
import io
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

import manifest  # noqa: E402
from gankit import Checkpoints, RunName, load_mnist, paths, settings  # noqa: E402
from gankit.cli import CLEAR_ERRORS  # noqa: E402
from gankit.console import safe_output  # noqa: E402
from gankit.storage import StorageError, atomic_write_bytes, folder_mode, read_memory, write_json  # noqa: E402

WIDGETS_ENV = settings.WIDGETS_ENV
WEIGHTS = Path("_static") / "widgets" / "weights"  # where the book's widgets read them (gan_widgets.js)
DTYPE = "<f2"  # little-endian IEEE float16: 11 significant bits, half the bytes of float32
FORMAT = ("little-endian IEEE 754 float16; the tensors of each layer one after another, in the "
          "order of 'layers'; 'offset' and 'size' count values (2 bytes each), weights are row-major "
          "as in PyTorch (Linear: out x in; Conv2d: out x in x k x k)")
CHECK_INPUTS = 256  # noise vectors on which float16 rounding is measured against the checkpoint
CHECK_SEED = 0  # 随机数种子 of those noise vectors (restored afterwards)


@dataclass(frozen=True)
class Model:
    """One generator shown in the book: where its class lives and which checkpoints to export."""

    key: str  # name in the manifest and the widgets
    title: str  # shown in the widget
    prefix: str  # checkpoint run prefix (gankit.run_name)
    module: str  # listing that defines the class
    cls: str
    listings: tuple  # the listings whose code defines the model and its training; the last one trains it
    noise: str  # "uniform" (torch.rand) or "normal" (torch.randn)
    noise_size: int
    epochs: tuple  # epochs the book shows (all of them are exported when saved)
    train_hint: str  # how to make the checkpoint


def _distribution(noise) -> str:
    """``uniform`` or ``normal``: what the model's noise function draws (PyTorch's random state is kept)."""
    with torch.random.fork_rng(devices=[]):
        x = noise(10000)
    return "uniform" if float(x.min()) >= 0 and float(x.max()) < 1 else "normal"


def from_manifest(m: manifest.BookModel) -> Model:
    """The export of a model with a widget, as the book's manifest declares it."""
    return Model(m.name, m.label, m.run, m.G.__module__, m.G.__name__, m.modules, _distribution(m.noise),
                 m.noise_size, m.widget_epochs, f"python3 codes/{m.listing} --epochs {m.book_epochs}")


MODELS = tuple(from_manifest(m) for m in manifest.GANS.values() if m.widget)
MODEL_KEYS = tuple(m.key for m in MODELS)
DATA_NAMES = {"idx": "MNIST", "download": "MNIST", "csv": "MNIST（CSV 文件）", "builtin": "MNIST 内置子集"}


class ExportError(RuntimeError):
    """A checkpoint is missing or does not fit; the message names it and the fix."""


def default_out(run: str | None) -> Path:
    """``$GANBOOK_WIDGETS``, else ``_static/widgets/weights`` of the run's folder (the project for the reference)."""
    return Path(settings.folder(WIDGETS_ENV) or paths.run_root(run) / WEIGHTS)


# ------------------------------------------------------------------- networks
def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(model: Model) -> nn.Module:
    """An untrained instance of the listing's class (the class the book prints)."""
    return getattr(importlib.import_module(model.module), model.cls)()


def layer_list(network: nn.Module) -> list[nn.Module]:
    """The layers the widget runs, in order: a generator's ``model``, or the classifier's parts."""
    if isinstance(getattr(network, "model", None), nn.Sequential):
        return list(network.model)
    from gankit.classifier import DigitClassifier

    if isinstance(network, DigitClassifier):  # forward(): conv -> hidden -> dropout (off in eval) -> out
        return [*network.conv, *network.hidden, network.out]
    raise ExportError(f"{type(network).__name__}: no layer list to export")


def describe_layers(layers: list[nn.Module]) -> tuple[list[dict], list[torch.Tensor]]:
    """(layer descriptions for the manifest, tensors in file order)."""
    described, tensors, offset = [], [], 0

    def add(entry: dict, name: str, tensor: torch.Tensor) -> None:
        nonlocal offset
        entry[name] = {"offset": offset, "size": tensor.numel()}
        tensors.append(tensor.detach().cpu().float().reshape(-1))
        offset += tensor.numel()

    for layer in layers:
        if isinstance(layer, nn.Linear):
            entry = {"type": "linear", "in": layer.in_features, "out": layer.out_features}
            add(entry, "weight", layer.weight)
            add(entry, "bias", layer.bias)
        elif isinstance(layer, nn.LayerNorm):
            (size,) = layer.normalized_shape
            entry = {"type": "layernorm", "size": size, "eps": layer.eps}
            add(entry, "weight", layer.weight)
            add(entry, "bias", layer.bias)
        elif isinstance(layer, nn.Conv2d):
            if layer.stride != (1, 1) or layer.padding != (0, 0) or layer.groups != 1 or layer.dilation != (1, 1):
                raise ExportError(f"{layer}: the widgets run only stride-1, unpadded convolutions")
            entry = {"type": "conv2d", "in": layer.in_channels, "out": layer.out_channels,
                     "kernel": layer.kernel_size[0]}
            add(entry, "weight", layer.weight)
            add(entry, "bias", layer.bias)
        elif isinstance(layer, nn.MaxPool2d):
            entry = {"type": "maxpool2d", "size": int(layer.kernel_size)}
        elif isinstance(layer, nn.LeakyReLU):
            entry = {"type": "leaky_relu", "slope": layer.negative_slope}
        elif isinstance(layer, nn.Sigmoid):
            entry = {"type": "sigmoid"}
        elif isinstance(layer, nn.ReLU):
            entry = {"type": "relu"}
        elif isinstance(layer, nn.Flatten):
            entry = {"type": "flatten"}
        else:
            raise ExportError(f"layer {layer} is not one the widgets can run "
                              "(Linear, LayerNorm, Conv2d, MaxPool2d, LeakyReLU, ReLU, Sigmoid, Flatten)")
        described.append(entry)
    return described, tensors


def to_float16(tensors: list[torch.Tensor]) -> bytes:
    values = torch.cat(tensors).numpy().astype(DTYPE)
    if not np.isfinite(values).all():
        raise ExportError("a weight is too large for float16 (or not finite)")
    return values.tobytes()


def load_exported(network: nn.Module, data: bytes) -> nn.Module:
    """Put the float16 values of an exported file into ``network``: PyTorch's copy of what the page runs."""
    values = torch.from_numpy(np.frombuffer(data, dtype=DTYPE).astype(np.float32))
    layers = layer_list(network)
    described, tensors = describe_layers(layers)
    if len(values) != sum(t.numel() for t in tensors):
        raise ExportError(f"exported file holds {len(values)} values, the network {sum(t.numel() for t in tensors)}")
    with torch.no_grad():
        for layer, entry in zip(layers, described):
            for name in ("weight", "bias"):
                if name in entry:
                    start, size = entry[name]["offset"], entry[name]["size"]
                    getattr(layer, name).copy_(values[start:start + size].view_as(getattr(layer, name)))
    return network


def noise(model: Model, n: int, seed: int = CHECK_SEED) -> torch.Tensor:
    """``n`` inputs of the kind the model was trained on, from a fixed 随机数种子 (global RNG untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return torch.rand(n, model.noise_size) if model.noise == "uniform" else torch.randn(n, model.noise_size)


def rounding_error(model: Model, network: nn.Module, data: bytes) -> float:
    """Largest change float16 rounding makes to an output pixel, over CHECK_INPUTS noise vectors."""
    rounded = load_exported(build(model), data)
    inputs = noise(model, CHECK_INPUTS)
    with torch.no_grad():
        return float((network.forward(inputs) - rounded.forward(inputs)).abs().max())


# ---------------------------------------------------------------- checkpoints
def run_info(run: str) -> dict:
    """Data kind and count, 随机数种子, device, engine and fingerprint of a run folder's name."""
    name = RunName.parse(run)
    if name is None:
        return {}
    info = {"data_kind": name.data_kind, "images": name.images, "seed": name.seed, "device": name.device,
            "engine": name.engine or "listing"}
    return {**info, "fingerprint": name.fingerprint} if name.fingerprint else info


def find_run(model: Model, folder: Path, data_key: str, seed: int, log=print) -> str:
    """The run of ``model`` on this data with this 随机数种子 (any device, engine, fingerprint)
    that has checkpoints; of several, the one whose newest checkpoint is newest."""
    runs = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        name = RunName.parse(path.name)
        if name and (name.prefix, name.data, name.seed) == (model.prefix, data_key, seed):
            saved = Checkpoints(path.name, folder).epochs_saved()
            if saved:
                runs.append((Checkpoints(path.name, folder).path(saved[-1]).stat().st_mtime, path.name))
    if not runs:
        raise ExportError(f"no checkpoint of the {model.key} generator (data {data_key}, seed {seed}) in "
                          f"{paths.relative(folder)}: train it first ({model.train_hint}), or name the folder "
                          f"with --checkpoints / --run {model.key}=RUN")
    chosen = max(runs)[1]
    if len(runs) > 1:
        log(f"{model.key}: {len(runs)} runs for data {data_key}, seed {seed}; taking the one trained last, "
            f"{chosen} (--run {model.key}=RUN takes another)")
    return chosen


def epochs_to_export(model: Model, saved: list[int]) -> list[int]:
    """The epochs the book shows that were saved; else the last saved one."""
    shown = [e for e in model.epochs if e in saved]
    return shown or saved[-1:]


def read_checkpoint(folder: Path, run: str, epoch: int) -> tuple[dict, bytes]:
    path = Checkpoints(run, folder).path(epoch)
    raw = path.read_bytes()
    try:
        return torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True), raw
    except Exception as err:
        raise ExportError(f"checkpoint {paths.relative(path)} is unreadable ({type(err).__name__}); "
                          "delete it and train again") from None


def source_hash(listings) -> str:
    """SHA-256 of the listings' code, in order: which code defined and trained the model."""
    digest = hashlib.sha256()
    for name in listings:
        digest.update(name.encode() + b"\0" + (ROOT / "codes" / name).read_bytes() + b"\0")
    return digest.hexdigest()


def describe_data(info: dict) -> str:
    """``MNIST，60,000 张训练图像`` from the run name's data part (never a path)."""
    name = DATA_NAMES.get(info.get("data_kind"), info.get("data_kind", "?"))
    return f"{name}，{info['images']:,} 张训练图像" if "images" in info else name


def export_generator(model: Model, folder: Path, run: str, log=print) -> tuple[dict, dict]:
    """(manifest entry, {file name: bytes}) for every exported epoch of one generator."""
    info = run_info(run)
    saved = Checkpoints(run, folder).epochs_saved()
    entry = {"title": model.title, "listing": model.listings[-1], "class": model.cls,
             "class_listing": f"{model.module}.py",
             "noise": {"kind": model.noise, "size": model.noise_size},
             "run": run, "data": describe_data(info), **info,
             "source_sha256": source_hash(model.listings), "epochs": {}}
    files = {}
    for epoch in epochs_to_export(model, saved):
        state, raw = read_checkpoint(folder, run, epoch)
        network = build(model)
        try:
            network.load_state_dict(state["models"]["G"]["weights"])
        except (KeyError, RuntimeError) as err:
            raise ExportError(f"checkpoint {run}/epoch{epoch:02d}.pt does not fit {model.cls} "
                              f"({type(err).__name__}); train it again with the current listing") from None
        # no network.eval(): the listings' train() trains; these generators have no dropout or batch norm
        layers, tensors = describe_layers(layer_list(network))
        data = to_float16(tensors)
        name = f"{model.key}-epoch{epoch:02d}.bin"
        files[name] = data
        entry["layers"] = layers
        entry["values"] = len(data) // 2
        entry["epochs"][str(epoch)] = {
            "file": name, "bytes": len(data), "sha256": sha256(data), "checkpoint_sha256": sha256(raw),
            "max_pixel_change_float16": float(f"{rounding_error(model, network, data):.1e}")}
        fingerprint = state.get("fingerprint") or state.get("extra", {}).get("fingerprint")
        if isinstance(fingerprint, str):
            entry["epochs"][str(epoch)]["fingerprint"] = fingerprint
    entry["default_epoch"] = max(int(e) for e in entry["epochs"])
    log(f"{model.key}: {run}, epochs {', '.join(entry['epochs'])}")
    return entry, files


def export_classifier(path: Path, log=print) -> tuple[dict, dict]:
    """The score card's digit classifier (gankit/classifier.py), for the digit-share chart."""
    from gankit.classifier import DigitClassifier

    raw = path.read_bytes()
    state = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    network = DigitClassifier()
    network.load_state_dict(state["weights"])
    network.eval()
    layers, tensors = describe_layers(layer_list(network))
    data = to_float16(tensors)
    # the exported layer list must be the classifier's forward() in evaluation mode
    check = torch.rand(8, 784, generator=torch.Generator().manual_seed(CHECK_SEED))
    with torch.no_grad():
        x = check.reshape(-1, 1, 28, 28)
        for layer in layer_list(network):
            x = layer(x)
        assert torch.allclose(x, network(check), atol=1e-6), "classifier layer list differs from its forward()"
    info = state.get("info", {})
    entry = {"title": "数字分类器", "listing": "gankit/classifier.py", "class": "DigitClassifier",
             "input": [1, 28, 28], "layers": layers, "values": len(data) // 2, "file": "classifier.bin",
             "bytes": len(data), "sha256": sha256(data), "checkpoint_sha256": sha256(raw),
             "test_accuracy": round(info["test_accuracy"], 4) if "test_accuracy" in info else None,
             "data_key": info.get("data_key"),
             "epochs": info.get("epochs"), "seed": info.get("seed")}  # never info["data"]: it names a path
    entry = {k: v for k, v in entry.items() if v is not None}
    log(f"classifier: {path.name}")
    return entry, {"classifier.bin": data}


def write_whole(out: Path, files: dict, manifest: dict) -> None:
    """Every file of the export into a new folder beside ``out``, checked, then swapped in whole.

    The weights and their manifest change together or not at all: a full disk or a kill while
    writing leaves the earlier export as it was (and at most a hidden ``.<out>.new-*`` folder, removed
    by the next export). Files of ``out`` that are not weights are kept; weights the new manifest does
    not list go with the old folder.
    """
    out = Path(out)
    recover(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        new = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    except OSError as err:
        raise StorageError(f"could not write in {out.parent} ({type(err).__name__}: {err.strerror or err}). "
                           "Fix: make it writable (or free disk space) and run again.") from None
    try:
        kept = [p for p in sorted(out.iterdir()) if p.suffix != ".bin" and p.name not in files] if out.is_dir() else []
        for name, data in files.items():
            atomic_write_bytes(new / name, data)
        for path in kept:  # what others keep beside the weights (a folder too) goes on with them
            (shutil.copytree(path, new / path.name, symlinks=True) if path.is_dir() and not path.is_symlink()
             else shutil.copy2(path, new / path.name, follow_symlinks=False))
        check_export(new, manifest)
        os.chmod(new, folder_mode())  # mkdtemp made it 0700: a web server must read it
        swap(new, out)
    except OSError as err:
        raise StorageError(f"could not write the export into {out} ({type(err).__name__}: {err.strerror or err}); "
                           "the earlier export is kept. Fix: free disk space or make it writable, "
                           "and run again.") from None
    finally:
        shutil.rmtree(new, ignore_errors=True)  # after a swap: the earlier export


def check_export(folder: Path, manifest: dict) -> None:
    """Each weight file the manifest lists, read back from ``folder``, has the SHA-256 it records."""
    entries = [e for m in manifest["models"].values() for e in m["epochs"].values()]
    entries += [manifest["classifier"]] if "classifier" in manifest else []
    for entry in entries:
        if sha256((folder / entry["file"]).read_bytes()) != entry["sha256"]:
            raise ExportError(f"{entry['file']} differs from its manifest entry after writing (a disk error?); "
                              "the earlier export is kept: run make widgets again")


def swap(new: Path, out: Path) -> None:
    """``new`` takes the place of folder ``out``; afterwards ``new`` holds the earlier export (if any).

    On Linux one system call exchanges the two folders (renameat2 RENAME_EXCHANGE): a reader of ``out``
    sees the old export or the new one, whole. Elsewhere two renames, with ``recover`` for a crash between.
    """
    if not out.exists():
        os.replace(new, out)
        return
    if _exchange(new, out):
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    os.replace(new, out)
    os.replace(old, new)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def recover(out: Path) -> None:
    """What an export killed mid-way left beside ``out``: the earlier export put back, new parts removed."""
    if not out.parent.is_dir():
        return
    for old in sorted(out.parent.glob(f".{out.name}.old-*")):
        if not out.exists():
            os.replace(old, out)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for new in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(new, ignore_errors=True)


def colormap(name: str = "Blues") -> dict:
    """matplotlib's colour map as 256 RGB colours (hex), the colours every figure of the book uses."""
    import matplotlib

    rgba = matplotlib.colormaps[name](np.arange(256), bytes=True)
    return {"name": name, "rgb": "".join(f"{r:02x}{g:02x}{b:02x}" for r, g, b, _ in rgba),
            "index": "floor(value * 256), clipped to 0..255 (matplotlib's lookup for vmin=0, vmax=1)"}


def export(folder: Path, out: Path, runs: dict, classifier: Path | None, log=print) -> dict:
    """Write every weight file and the manifest into ``out``; return the manifest."""
    manifest = {"format": FORMAT, "colormap": colormap(), "models": {}}
    files = {}
    for model in MODELS:
        entry, data = export_generator(model, folder, runs[model.key], log)
        manifest["models"][model.key] = entry
        files.update(data)
    if classifier is not None:
        manifest["classifier"], data = export_classifier(classifier, log)
        files.update(data)
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_whole(out, {**files, "manifest.json": text.encode("utf-8")}, manifest)
    total = sum(len(d) for d in files.values()) + len(text.encode("utf-8"))
    log(f"wrote {len(files)} weight files and manifest.json to {paths.relative(out)} ({total / 1e6:.2f} MB)")
    return manifest


# ----------------------------------------------------------------- command line
EXPORTS = paths.LOG_DIR / "export_generators_inputs.json"  # {output folder: inputs of its last export}


def export_inputs(folder: Path, runs: dict, classifier: Path | None) -> str:
    """A digest of what an export reads: the runs' checkpoint files (name, size, time), the
    classifier's, the listings' code and this script."""
    files = [f for run in sorted(runs.values()) for f in sorted((folder / run).glob("*")) if f.is_file()]
    files += [classifier] if classifier else []
    state = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files if not f.name.endswith(".lock")]
    code = [hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted((ROOT / "codes").glob("chapter_*.py")) + [Path(__file__)]]
    return hashlib.sha256(json.dumps([sorted(runs.items()), state, code]).encode()).hexdigest()


def intact(out: Path) -> bool:
    """Whether ``out`` holds a manifest and every weight file it lists, with the SHA-256 it records."""
    try:
        listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    entries = [listed.get("classifier") or {}]
    entries += [e for m in listed.get("models", {}).values() for e in m.get("epochs", {}).values()]
    for entry in entries:
        if entry:
            path = out / entry.get("file", "")
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
                return False
    return True


def last_export(out: Path) -> str | None:
    return read_memory(EXPORTS).get(str(out.resolve()))


def remember_export(out: Path, inputs: str) -> None:
    write_json(EXPORTS, {**read_memory(EXPORTS), str(out.resolve()): inputs}, digits=None)


def main(argv=None) -> int:
    safe_output()  # before --help: it prints Chinese
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR),
                        help="folder of the training runs ($GANBOOK_CHECKPOINTS; default checkpoints/)")
    parser.add_argument("--data", default=None, help="the MNIST source the runs were trained on: "
                        + settings.DATA_CHOICES + f" (${settings.DATA_ENV}; default auto)")
    parser.add_argument("--seed", default=None, help=f"随机数种子 of the runs (${settings.SEED_ENV}; default 0)")
    parser.add_argument("--run", action="append", default=[], metavar="MODEL=RUN",
                        help=f"use this run folder for MODEL ({', '.join(MODEL_KEYS)}); repeatable")
    parser.add_argument("--classifier", default=None,
                        help="classifier checkpoint (default: the score card's, under CHECKPOINTS/classifier/); "
                             "'none' exports no classifier (no digit-share chart)")
    parser.add_argument("--out", default=None, help=f"output folder (${WIDGETS_ENV}; default: _static/widgets/"
                        "weights of the reference run, or of the run's folder under _build/runs)")
    args = parser.parse_args(argv)
    folder = Path(args.checkpoints)
    try:
        settings.check()  # a malformed setting stops here, before any work
        seed = settings.seed() if args.seed is None else settings.parse_seed(args.seed)
        runs = {}
        for item in args.run:
            model, sep, run = item.partition("=")
            if not sep or model not in MODEL_KEYS:
                raise ExportError(f"--run {item!r}: write MODEL=RUN with MODEL one of {', '.join(MODEL_KEYS)}")
            runs[model] = run
        data = None
        if len(runs) < len(MODELS) or args.classifier is None or not (args.out or settings.folder(WIDGETS_ENV)):
            data = load_mnist(settings.data_source(args.data), quiet=True)
        for model in MODELS:
            if model.key not in runs:
                runs[model.key] = find_run(model, folder, data.key(), seed)
            elif not Checkpoints(runs[model.key], folder).epochs_saved():
                raise ExportError(f"--run {model.key}={runs[model.key]}: no checkpoint in "
                                  f"{paths.relative(folder / runs[model.key])}")
        classifier = None
        if args.classifier != "none":
            from gankit.classifier import checkpoint_path, splits

            classifier = (Path(args.classifier) if args.classifier else
                          checkpoint_path(splits(settings.data_source(args.data)).train, 0, folder))
            if not classifier.is_file():
                raise ExportError(f"classifier checkpoint {paths.relative(classifier)} not found: train it with "
                                  "`make classifier`, or pass --classifier none (the page then shows no "
                                  "digit-share chart)")
        out = Path(args.out) if args.out else default_out(paths.run_name(data, seed) if data else None)
        inputs = export_inputs(folder, runs, classifier)
        if last_export(out) == inputs and intact(out):
            print(f"{paths.relative(out)}: up to date (the same checkpoints and code as its last export)")
            return 0
        export(folder, out, runs, classifier)
        remember_export(out, inputs)
    except (ExportError, *CLEAR_ERRORS) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
