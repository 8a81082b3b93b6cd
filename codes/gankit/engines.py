"""Which code trains a GAN: the listing's own loop, or the fast engine with the same math.

``--engine listing`` runs ``train_gan`` of listing 08 exactly as printed in the
book. ``--engine fast`` (gankit/fast.py) performs the same three steps per
sample with the same random numbers, but with hand-written gradients fused into
a few compiled loops; a test checks that both give the same losses and weights.
``--engine auto`` takes the fast engine where it supports the models and device.
"""
from __future__ import annotations

from .cli import EngineError, report, run_name
from .training import train_epochs

ENGINE_HELP = "auto, listing (the code printed in the book) or fast (same math, fused; gankit/fast.py)"
ENGINES = ("auto", "listing", "fast")

# Figure numbers of the chapter for (experiment, epochs); other runs get descriptive names.
FIGURES = {
    ("gan", 1): ("2-62", "2-63"),
    ("gan", 10): ("gan-losses-10-epochs", "2-64"),
    ("improved-gan", 10): ("improved-gan-losses-10-epochs", "2-66"),
}


def figure_names(experiment: str, epochs: int) -> tuple[str, str]:
    """(loss figure, output figure) file names for a training run."""
    default = (f"{experiment}-losses-{epochs}-epochs", f"{experiment}-outputs-{epochs}-epochs")
    return FIGURES.get((experiment, epochs), default)


def resolve_engine(requested: str, D, G, generate_seed, device) -> str:
    requested = (requested or "auto").lower()
    if requested not in ENGINES:
        raise EngineError(f"unknown --engine {requested!r}; choose one of {', '.join(ENGINES)}")
    if requested == "listing":
        return "listing"
    try:
        from . import fast
    except ImportError as err:
        if requested == "fast":
            raise EngineError(f"--engine fast needs numba ({err}); pip install -r requirements.txt") from None
        return "listing"
    why_not = fast.unsupported_reason(D, G, generate_seed, device)
    if why_not is None:
        return "fast"
    if requested == "fast":
        raise EngineError(f"--engine fast cannot train these models: {why_not}. Use --engine listing.")
    return "listing"


def train_gan_epochs(experiment: str, args, dataset, D, G, train_gan, generate_seed, seed_size: int) -> str:
    """Train (or load, or resume) D and G for ``args.epochs`` epochs; return the engine used."""
    engine = resolve_engine(getattr(args, "engine", "auto"), D, G, generate_seed, args.device)
    if engine == "fast":
        from .fast import FastGAN

        trainer = FastGAN(D, G, generate_seed, seed_size)

        def one_epoch(epoch):
            trainer.train_epoch(dataset.images, desc=f"{experiment} epoch {epoch}")
    else:
        def one_epoch(epoch):
            train_gan(D, G, dataset, generate_seed, seed_size)

    report(args, dataset, engine=engine)
    train_epochs(run_name(experiment, args, dataset, engine), {"D": D, "G": G}, one_epoch,
                 args.epochs, args.retrain, args.checkpoints)
    return engine
