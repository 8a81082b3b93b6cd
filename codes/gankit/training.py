"""Training runs: progress bars, epochs that load or resume from checkpoints, and the engine.

``train_epochs`` brings models to a number of finished epochs, saving a
checkpoint after each (``gankit.checkpoints``); ``train_run`` names the run
from its options and data first; ``train_gan_epochs`` does the same for the
chapter's GANs and picks the code that trains them:

- ``--engine listing`` runs ``train_gan`` of listing 08 exactly as printed;
- ``--engine fast`` (``gankit.fast``) performs the same three steps per sample
  with the same random numbers, with hand-written gradients fused into a few
  compiled loops; a test checks that both give the same losses and weights;
- ``--engine auto`` takes the fast engine where it supports the models and device.
"""
from __future__ import annotations

import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from . import paths
from .checkpoints import Checkpoints, non_finite
from .fingerprint import run_fingerprint
from .bars import progress  # noqa: F401 (gankit.progress)
from .root import book_models
from .runs import RunName

ENGINES = ("auto", "listing", "fast")
ENGINE_HELP = "auto（能用快速引擎时用它）、listing（书中印出的代码）或 fast（同样的计算，合并后编译）"


class EngineError(RuntimeError):
    """The requested training engine cannot train these models here."""


class DivergedError(RuntimeError):
    """An epoch ended with NaN or infinite weights; it was not saved."""


@dataclass(frozen=True)
class TrainingOptions:
    """How long and where to train, and with which 随机数种子: the flags of a training listing."""

    epochs: int
    seed: int = 0
    device: torch.device = torch.device("cpu")
    engine: str = "auto"
    retrain: bool = False
    checkpoints: Path = paths.CHECKPOINT_DIR


def train_epochs(run_name, models: dict, one_epoch: Callable[[int], None], epochs: int,
                 retrain: bool = False, directory=None, log=print) -> Checkpoints:
    """Bring ``models`` to ``epochs`` finished epochs, loading or resuming where possible.

    ``one_epoch(epoch)`` trains one pass over the data. After each epoch all
    state is saved, so an interrupted run loses at most the epoch in progress.
    One process at a time trains a run (a second one waits); ``retrain`` trains
    from scratch and replaces the earlier run once its first epoch is saved; an
    epoch that ends with NaN or infinite weights stops the run unsaved.
    """
    ckpt = Checkpoints(run_name, directory)
    loop = epochs_to_train(ckpt, models, epochs, retrain, log)
    for epoch in loop:
        try:
            one_epoch(epoch)
        except KeyboardInterrupt:
            loop.throw(KeyboardInterrupt())  # says what is kept, then raises it again
        except BaseException:
            loop.close()
            raise
    return ckpt


def epochs_to_train(ckpt: Checkpoints, models: dict, epochs: int, retrain: bool = False, log=print,
                    stopped_early: bool = False):
    """Yield the epochs of ``ckpt``'s run still to train, holding its lock; after each, save all state.

    The caller trains one epoch per number yielded. ``stopped_early``: a loop that stops
    before an epoch is finished (an exception in a listing's loop closes this generator)
    is told what is kept, as an interruption is.
    """
    with ckpt.lock(log):
        earlier = ckpt.epochs_saved() if retrain else []
        done = 0 if retrain else ckpt.resume(models, epochs, log)
        if done:
            where = paths.relative(ckpt.path(done))
            verb = f"已载入 {where}" if done == epochs else f"从 {where} 继续训练"
            log(f"检查点：{verb}（已完成 {done} 个轮次）")
        for epoch in range(done + 1, epochs + 1):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                yield epoch
            except KeyboardInterrupt:
                log(f"interrupted during epoch {epoch}: {_kept(ckpt, epoch, retrain, earlier)}")
                raise
            except GeneratorExit:
                if stopped_early:
                    log(f"interrupted during epoch {epoch}: {_kept(ckpt, epoch, retrain, earlier)}")
                raise
            bad = non_finite(t for m in models.values() for t in m.state_dict().values())
            if bad:
                raise DivergedError(f"training diverged at epoch {epoch} (NaN or infinite weights: {bad}), "
                                    f"so epoch {epoch} was not saved; {_kept(ckpt, epoch, retrain, earlier, False)} "
                                    "Fix: lower the learning rate, or train with another --seed.")
            saved = ckpt.save(epoch, models, replaces_run=retrain and epoch == 1)
            ckpt.record_time(epoch, time.process_time() - cpu, time.perf_counter() - wall)
            log(f"检查点：已保存 {paths.relative(saved)}")


def _kept(ckpt: Checkpoints, epoch: int, retrain: bool, earlier: list, advice: bool = True) -> str:
    """What an interrupted (or diverged) run leaves in its folder, and how to go on: the truth in each case."""
    folder = paths.relative(ckpt.folder)
    if retrain and epoch == 1 and earlier:
        kept = (f"the earlier run is kept as it was ({len(earlier)} epoch{'s' if len(earlier) > 1 else ''} "
                f"in {folder}).")
        return kept + (" Run the same command to start afresh again, or leave out --retrain to use "
                       "the earlier run." if advice else "")
    if epoch == 1:
        return "no epoch was finished." + (" Run the same command again." if advice else "")
    kept = f"epochs 1-{epoch - 1} are saved in {folder}." if epoch > 2 else f"epoch 1 is saved in {folder}."
    again = "Run the same command without --retrain to resume." if retrain else "Run the same command again to resume."
    return kept + (f" {again}" if advice else "")


def run_name(prefix: str, dataset, options: TrainingOptions, engine: str | None, models: dict,
             code) -> RunName:
    """The run of ``prefix`` on ``dataset`` (a listing's MnistDataset or an MnistData) with ``options``:
    its name ends with the fingerprint of the models' code and hyperparameters, ``code`` (the
    training loop and the functions it calls) and the data (``gankit.fingerprint``)."""
    data = getattr(dataset, "data", dataset)
    return RunName(prefix, data.key(len(dataset)), options.seed, torch.device(options.device).type, engine,
                   run_fingerprint(models, code, dataset))


def train_run(prefix: str, options: TrainingOptions, dataset, models: dict,
              one_epoch: Callable[[int], None], engine: str | None = None, log=print, code=None) -> Checkpoints:
    """Train (or load, or resume) ``models`` for ``options.epochs`` epochs in the run named by what
    determines it; ``code`` (default: ``one_epoch`` and what it calls) is the training code."""
    name = run_name(prefix, dataset, options, engine, models, code or (one_epoch,))
    return train_epochs(name, models, one_epoch, options.epochs, options.retrain, options.checkpoints, log=log)


def resolve_engine(requested: str, D, G, train_gan, generate_noise, device) -> tuple[str, str]:
    """(engine, why): ``listing`` or ``fast``, the engine that trains D and G for the ``requested``
    one, and a sentence when ``auto`` could not take the fast engine."""
    requested = (requested or "auto").lower()
    if requested not in ENGINES:
        raise EngineError(f"unknown --engine {requested!r}; choose one of {', '.join(ENGINES)}")
    if requested == "listing":
        return "listing", ""
    try:
        from . import fast
    except ImportError as err:
        if requested == "fast":
            raise EngineError(f"--engine fast needs numba ({err}); pip install -r requirements.txt") from None
        return "listing", f"the fast engine needs numba ({err})"
    changed = fast.unproven(D, G, train_gan, generate_noise)
    why_not = (f"the printed code was changed ({', '.join(n.split(':')[1] for n in changed)}); the fast "
               "engine stands in only for the code it was checked against" if changed
               else fast.unsupported_reason(D, G, generate_noise, device))
    if why_not is None:
        return "fast", ""
    if requested == "fast":
        raise EngineError(f"--engine fast cannot train these models: {why_not}. Use --engine listing.")
    return "listing", why_not


def train_gan_epochs(prefix: str, options: TrainingOptions, dataset, D, G, train_gan, generate_noise,
                     noise_size: int, log=print) -> Checkpoints:
    """Train (or load, or resume) D and G for ``options.epochs`` epochs; return the run's checkpoints
    (``RunName.parse(ckpt.run_name).engine`` tells the engine used)."""
    engine, why = resolve_engine(options.engine, D, G, train_gan, generate_noise, options.device)
    if engine == "fast":
        from .fast import FastGAN

        trainer = FastGAN(D, G, generate_noise, noise_size)

        def one_epoch(epoch):
            trainer.train_epoch(dataset.images, desc=f"{prefix} epoch {epoch}")
    else:
        def one_epoch(epoch):
            train_gan(D, G, dataset, generate_noise, noise_size)

    data = getattr(dataset, "data", dataset)
    print(data.describe(len(dataset)))
    print(f"设备：{options.device} | 随机数种子：{options.seed} | 轮次：{options.epochs} | 引擎：{engine}")
    if why:
        log(f"引擎：listing，即书中印出的代码（{why}）")
    return train_run(prefix, options, dataset, {"D": D, "G": G}, one_epoch, engine, log=log,
                     code=(train_gan, generate_noise))


# ------------------------------------------------------------------ a listing's run
MODEL_NAMES = ("D", "G")  # the models of a run, in the order a listing passes them


class LoopError(RuntimeError):
    """A listing's epoch loop that ``Run.epochs`` cannot read (the message says what it expects)."""


@dataclass(frozen=True)
class Run:
    """Everything that determines a run of a listing or a notebook, resolved once (``gankit.start``).

    ``data``, ``seed``, ``device`` and ``limit`` say what is trained; ``epochs`` how long (None
    for a listing that trains nothing); ``checkpoints`` and ``figures`` where its outputs go.
    """

    data: str
    seed: int
    device: torch.device
    limit: int | None = None
    epochs_total: int | None = None
    retrain: bool = False
    engine: str = "auto"
    device_why: str = ""  # why this device (gankit.device.pick_device), printed with it
    checkpoints: Path = paths.CHECKPOINT_DIR
    figures: Path | None = None  # None: the run's own folder (paths.figure_dir)

    @property
    def training(self) -> TrainingOptions:
        """The options of this run's training, as the experiments pass them."""
        return TrainingOptions(epochs=self.epochs_total, seed=self.seed, device=self.device, engine=self.engine,
                               retrain=self.retrain, checkpoints=self.checkpoints)

    def figure_dir(self, data=None) -> Path:
        """Where this run's figures go: ``figures``, else its run folder's (``data``: its MnistData)."""
        if self.figures is not None:
            return Path(self.figures)
        return paths.figure_dir(paths.run_name(data, self.seed, self.limit, source=self.data))

    def save_figure(self, names, fig=None) -> Path:
        """Save the current figure as ``names``: a file name, or {epochs trained: file name}."""
        from .figures import save_figure

        if isinstance(names, dict):
            name = names.get(self.epochs_total) or f"{min(names.values())}-after-{self.epochs_total}-epochs"
        else:
            name = names
        return save_figure(name, self.figure_dir(), fig)

    def epochs(self, *models, listing: str | None = None, log=print):
        """The epochs still to train, for the ``for`` loop that calls this; see ``train_loop``.

        ``listing``: the listing whose run the loop trains (default: the file of the loop).
        """
        return train_loop(self, models, sys._getframe(1), listing, log)


def loop_call(frame):
    """(function, args, kwargs) of the call in the body of the ``for`` loop whose header runs in
    ``frame``, when that body is one call of names and constants; else None."""
    import ast
    import linecache

    filename, line = frame.f_code.co_filename, frame.f_lineno
    try:
        tree = ast.parse("".join(linecache.getlines(filename, frame.f_globals)))
    except SyntaxError:
        return None
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For) and n.iter.lineno <= line <= n.iter.end_lineno]
    if len(loops) != 1 or len(loops[0].body) != 1:
        return None
    call = loops[0].body[0].value if isinstance(loops[0].body[0], ast.Expr) else None
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return None
    parts = [call.func, *call.args, *(k.value for k in call.keywords)]
    if not all(isinstance(p, (ast.Name, ast.Constant)) for p in parts) or any(k.arg is None for k in call.keywords):
        return None

    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if node.id in frame.f_locals:
            return frame.f_locals[node.id]
        return frame.f_globals[node.id] if node.id in frame.f_globals else frame.f_builtins[node.id]

    try:
        return (value(call.func), [value(a) for a in call.args], {k.arg: value(k.value) for k in call.keywords})
    except KeyError:
        return None


def run_prefix(listing: str) -> str:
    """The checkpoint prefix of a listing's runs: its model's run in the book's manifest
    (``codes/manifest.toml``), else ``listing12`` for a listing ``..._12.py`` the manifest lacks."""
    import re

    name = Path(listing).name
    models = book_models()
    for model in models:
        if model.get("listing") == name:
            return model.get("run", model["name"])
    number = re.search(r"_(\d+)\.py$", name)
    if number is None:
        raise LoopError("this loop is not in a listing: say whose run it trains, "
                        "run.epochs(D, G, listing=\"chapter_2_3_2_08.py\")")
    return f"listing{number.group(1)}"


def per_sample_gan(function, args: list, kwargs: dict, models) -> tuple | None:
    """(generate_noise, noise_size) when ``function(*args, **kwargs)`` trains ``models`` (D, G) as
    listing 08's loop does: called with D, G, the dataset, a noise function and its size."""
    import inspect

    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    values = list(bound.arguments.values())
    if (len(models) == 2 and len(values) == 5 and values[0] is models[0] and values[1] is models[1]
            and callable(values[3]) and isinstance(values[4], int)):
        return values[3], values[4]
    return None


def train_loop(run: Run, models, frame, listing: str | None = None, log=print):
    """The generator behind ``for epoch in run.epochs(D, G): train_gan(D, G, mnist_dataset)``.

    It reads the call in the loop's body (``loop_call``): its function and the noise function it
    passes are the training code the run's fingerprint covers, its dataset the data. It yields only
    the epochs still to train, after loading or resuming the run's checkpoints, and saves each epoch
    when the body returns. Where the body trains D and G as listing 08 does and the printed code is
    the code the fast engine was checked against, the fast engine trains the epoch and nothing is
    yielded (``--engine listing`` keeps the printed loop).
    """
    call = loop_call(frame)
    if call is None:
        raise LoopError("run.epochs(...) expects a for loop whose body is one call, such as "
                        "train_gan(D, G, mnist_dataset)")
    function, args, kwargs = call
    values = [*args, *kwargs.values()]
    datasets = [v for v in values if hasattr(v, "images") and hasattr(v, "labels")]
    if not datasets:
        raise LoopError(f"the call of {function.__name__} in the loop passes no dataset")
    dataset = datasets[0]
    model_dict = dict(zip(MODEL_NAMES, models))
    gan = per_sample_gan(function, args, kwargs, models)
    engine, why, fast_epoch = None, "", None
    code = (function, *[v for v in values if isinstance(v, types.FunctionType)])
    if gan is not None:
        generate_noise, noise_size = gan
        code = (function, generate_noise)
        engine, why = resolve_engine(run.engine, models[0], models[1], function, generate_noise, run.device)
        if engine == "fast":
            from .fast import FastGAN

            trainer = FastGAN(models[0], models[1], generate_noise, noise_size)

            def fast_epoch(epoch):
                trainer.train_epoch(dataset.images, desc=f"{function.__name__} 第 {epoch} 个轮次")
    elif run.engine == "fast":
        raise EngineError(f"--engine fast cannot train the loop of {function.__name__}: it trains "
                          "only listing 08's per-sample GANs. Use --engine listing.")
    prefix = run_prefix(listing or frame.f_code.co_filename)
    options = run.training
    data = getattr(dataset, "data", dataset)
    print(data.describe(len(dataset)))
    print(f"设备：{run.device}" + (f"（{run.device_why}）" if run.device_why else "")
          + f" | 轮次：{run.epochs_total}" + (f" | 引擎：{engine}" if engine else ""))
    if why:
        log(f"引擎：listing，即书中印出的代码（{why}）")
    ckpt = Checkpoints(str(run_name(prefix, dataset, options, engine, model_dict, code)), run.checkpoints)
    for epoch in epochs_to_train(ckpt, model_dict, run.epochs_total, run.retrain, log, stopped_early=True):
        if fast_epoch is not None:
            fast_epoch(epoch)
        else:
            yield epoch
