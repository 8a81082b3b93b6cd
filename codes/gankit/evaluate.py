"""The score card of a generator (issue 6): how many digits, how good, how varied, how copied.

For a trained generator, ``score_generator`` draws ``n`` samples (default
5,000) with the generator's own seed function and measures them with the
project's digit classifier (``gankit.classifier``):

- ``shares``: the share of each digit 0-9 (classifier's argmax), and
  ``digits_at_least_1pct``, how many digits hold at least 1% of the samples;
- ``kl_uniform``: KL(shares || uniform), 0 when every digit is equally common,
  ln 10 = 2.303 when all samples are one digit;
- ``inception_score``: exp(E_x KL(p(y|x) || p(y))) with the classifier (1 to 10),
  and ``mean_top_confidence``, the mean of max_y p(y|x);
- ``fid``: Frechet distance between the classifier's 128 penultimate features of
  the samples and of real test images, computed by torchmetrics'
  ``FrechetInceptionDistance`` with the classifier as custom ``feature`` module
  (no Inception weights are downloaded);
- ``precision``, ``recall`` (Kynkaenniemi et al. 2019) and ``density``,
  ``coverage`` (Naeem et al. 2020) with k = 5 nearest neighbours in that feature
  space, against real test images. Recall and coverage catch mode collapse,
  which precision alone misses (one good digit repeated is precise);
- ``memorised_share``: the share of samples whose nearest training image (pixel
  L2) is closer than the 1st percentile of the test images' distances to their
  nearest training image (real test images score about 0.01 by construction).

The test split is cut once, with a fixed seed, into two halves: the
*reference* half is what FID, recall and coverage compare against, and the
*pool* half provides the anchors, scored the same way in the same run:
real test images (the floor), real images plus Gaussian noise sigma = 0.2
(clipped to [0, 1]), real images blurred with a 5x5 Gaussian kernel of
sigma = 1.0, and one digit class only (the 1s). On the built-in subset the
halves hold 500 images, so anchors and the k-NN metrics use at most 500.

Python::

    from gankit.evaluate import score_generator, score_anchors
    card = score_generator(G, generate_random_seed, 100, data_source="builtin")

Command line (``make evaluate``)::

    PYTHONPATH=codes python -m gankit.evaluate                  # every standard checkpoint + anchors
    PYTHONPATH=codes python -m gankit.evaluate --run RUN --epoch 10 [--model improved-gan]
    PYTHONPATH=codes python -m gankit.evaluate checkpoints/RUN/epoch10.pt

Scores go to ``RESULTS_DIR/scores.json`` (see ``write_scores`` for its layout;
``read_scores("idx60000")`` reads it back for the book).
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from . import paths
from .classifier import DigitClassifier, FeatureExtractor, data_key, load_classifier
from .data import DATA_ENV, load_mnist
from .training import CheckpointError, Checkpoints

DEFAULT_N = 5000
K_NEIGHBOURS = 5
NOISE_SIGMA = 0.2
BLUR_KERNEL = 5  # Gaussian blur: 5x5 kernel ...
BLUR_SIGMA = 1.0  # ... with standard deviation 1 pixel
SINGLE_DIGIT = 1
MEMORISATION_PERCENTILE = 1.0  # closer to a training image than 99% of test images are
SPLIT_SEED = 0  # the fixed cut of the test split into reference and anchor pool
SCORES_FILE = "scores.json"
ANCHOR_LABELS = {
    "real": "real test images",
    "noisy": f"real + Gaussian noise sigma={NOISE_SIGMA}",
    "blurred": f"real, blurred ({BLUR_KERNEL}x{BLUR_KERNEL} Gaussian, sigma={BLUR_SIGMA})",
    "single_digit": f"real, digit {SINGLE_DIGIT} only",
}

# The chapter's generators: (module, class, seed module, seed function, seed size)
MODELS = {
    "gan": ("chapter_2_3_2_06", "Generator", "chapter_2_3_2_04", "generate_random", 1),
    "improved-gan": ("chapter_2_3_2_09", "ImprovedGenerator", "chapter_2_3_2_09", "generate_random_seed", 100),
}


# ------------------------------------------------------------------ the measures
def digit_shares(predictions: torch.Tensor) -> torch.Tensor:
    """The share of each digit 0-9 among the predicted labels (sums to 1)."""
    return torch.bincount(predictions.cpu(), minlength=10).double() / len(predictions)


def kl_to_uniform(shares) -> float:
    """KL(shares || uniform over 10 digits) in nats: 0 perfect, ln 10 total collapse."""
    p = torch.as_tensor(shares, dtype=torch.float64)
    p = p / p.sum()
    nz = p[p > 0]
    return float((nz * torch.log(nz * len(p))).sum())


def inception_score(probs: torch.Tensor) -> float:
    """exp(E_x KL(p(y|x) || p(y))) from class probabilities (N, 10)."""
    probs = probs.double().clamp_min(1e-12)
    marginal = probs.mean(0, keepdim=True)
    return float(torch.exp((probs * (probs.log() - marginal.log())).sum(1).mean()))


def _distances(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Euclidean distances between the rows of a and b."""
    a, b = a.float(), b.float()
    d2 = (a * a).sum(1, keepdim=True) + (b * b).sum(1) - 2 * a @ b.T
    return d2.clamp_min_(0).sqrt_()


def _kth_neighbour_radius(x: torch.Tensor, k: int, chunk: int = 2000) -> torch.Tensor:
    """Distance of each row of x to its k-th nearest other row (the row itself is the 0th)."""
    radii = []
    for start in range(0, len(x), chunk):
        d = _distances(x[start:start + chunk], x)
        radii.append(d.kthvalue(k + 1, dim=1).values)
    return torch.cat(radii)


def knn_metrics(real: torch.Tensor, fake: torch.Tensor, k: int = K_NEIGHBOURS,
                real_radii: torch.Tensor | None = None) -> dict:
    """Precision, recall (Kynkaenniemi et al. 2019), density and coverage (Naeem et al. 2020).

    Each set's k-NN ball around each of its points estimates its support.
    Recall: share of real points inside some fake ball. Coverage: share of
    real balls that hold at least one fake point.
    """
    if real_radii is None:
        real_radii = _kth_neighbour_radius(real, k)
    fake_radii = _kth_neighbour_radius(fake, k)
    d = _distances(real, fake)  # (R, F)
    inside_real = d <= real_radii[:, None]  # fake j inside the ball of real i
    return {
        "precision": float(inside_real.any(0).double().mean()),
        "recall": float((d <= fake_radii[None, :]).any(1).double().mean()),
        "density": float(inside_real.double().sum() / (k * len(fake))),
        "coverage": float(inside_real.any(1).double().mean()),
    }


def nearest_distances(x: torch.Tensor, train: torch.Tensor, chunk: int = 500) -> torch.Tensor:
    """Pixel L2 distance of each row of x to its nearest training image."""
    train = train.float()
    train_sq = (train * train).sum(1)
    out = []
    for start in range(0, len(x), chunk):
        a = x[start:start + chunk].float()
        d2 = (a * a).sum(1, keepdim=True) + train_sq - 2 * a @ train.T
        out.append(d2.min(1).values.clamp_min(0).sqrt())
    return torch.cat(out)


# -------------------------------------------------------------------- reference
@dataclass
class Reference:
    """Everything a score needs from the real data, computed once per data source."""

    key: str
    source: str
    classifier: DigitClassifier
    train_images: torch.Tensor
    reference_images: torch.Tensor  # half of the test split: what samples are compared to
    reference_features: torch.Tensor
    reference_radii: torch.Tensor  # k-NN radii of the reference features
    pool_images: torch.Tensor  # the other half: the anchors are made from it
    pool_labels: torch.Tensor
    memorisation_threshold: float
    fid: object  # torchmetrics FrechetInceptionDistance holding the reference's statistics
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)


_REFERENCES: dict = {}


def build_reference(data_source=None, classifier: DigitClassifier | None = None, log=print) -> Reference:
    """Load the data and the classifier for ``data_source`` and precompute the real statistics.

    Cached per data source within the process, so a notebook scoring several
    generators pays for it once.
    """
    from torchmetrics.image.fid import FrechetInceptionDistance

    cache_key = (str(data_source), id(classifier))
    if cache_key in _REFERENCES:
        return _REFERENCES[cache_key]
    start = time.perf_counter()
    train = load_mnist(data_source, "train", quiet=True)
    test = load_mnist(data_source, "test", quiet=True)
    if classifier is None:
        classifier = load_classifier(data_source, log=log)
    classifier.eval()
    images, labels = test.images.cpu(), test.labels.cpu()
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(SPLIT_SEED))
    half = len(order) // 2
    ref_idx, pool_idx = order[:half], order[half:]
    ref_images = images[ref_idx]
    _, ref_features = classifier.logits_and_features(ref_images)

    fid = FrechetInceptionDistance(feature=FeatureExtractor(classifier), normalize=True,
                                   reset_real_features=False)
    for s in range(0, len(ref_images), 2000):
        fid.update(ref_images[s:s + 2000].view(-1, 1, 28, 28), real=True)

    threshold = torch.quantile(nearest_distances(images, train.images.cpu()),
                               MEMORISATION_PERCENTILE / 100).item()
    reference = Reference(
        key=data_key(train), source=train.source, classifier=classifier,
        train_images=train.images.cpu(), reference_images=ref_images, reference_features=ref_features,
        reference_radii=_kth_neighbour_radius(ref_features, K_NEIGHBOURS),
        pool_images=images[pool_idx], pool_labels=labels[pool_idx],
        memorisation_threshold=threshold, fid=fid)
    reference.seconds = round(time.perf_counter() - start, 1)
    reference.settings = {
        "data": train.source, "data_key": reference.key, "train_images": len(train),
        "test_images": len(test), "reference_images": half, "anchor_pool_images": len(pool_idx),
        "split_seed": SPLIT_SEED, "k": K_NEIGHBOURS, "noise_sigma": NOISE_SIGMA,
        "blur_kernel": BLUR_KERNEL, "blur_sigma": BLUR_SIGMA, "single_digit": SINGLE_DIGIT,
        "memorisation_percentile": MEMORISATION_PERCENTILE,
        "memorisation_threshold": round(threshold, 4), "reference_seconds": reference.seconds,
    }
    _REFERENCES[cache_key] = reference
    return reference


def _reference(reference, data_source, log) -> Reference:
    return reference if reference is not None else build_reference(data_source, log=log)


# ----------------------------------------------------------------------- scoring
def score_images(images: torch.Tensor, reference: Reference | None = None, data_source=None, log=print) -> dict:
    """The score card of a set of images (N, 784) with values in [0, 1]."""
    ref = _reference(reference, data_source, log)
    start = time.perf_counter()
    images = images.detach().cpu().float().reshape(len(images), 784)
    if len(images) < 2:
        raise ValueError("the score card needs at least 2 images")
    logits, feats = ref.classifier.logits_and_features(images)
    probs = F.softmax(logits.double(), dim=1)
    shares = digit_shares(logits.argmax(1))

    ref.fid.reset()  # keeps the reference's statistics (reset_real_features=False)
    for s in range(0, len(images), 2000):
        ref.fid.update(images[s:s + 2000].view(-1, 1, 28, 28), real=False)
    fid = float(ref.fid.compute())

    n_knn = min(len(images), len(ref.reference_features))  # equal-sized sets for k-NN
    knn = knn_metrics(ref.reference_features, feats[:n_knn], K_NEIGHBOURS, ref.reference_radii)
    memorised = (nearest_distances(images, ref.train_images) < ref.memorisation_threshold).double().mean()
    return {
        "n": len(images),
        "shares": [round(float(s), 4) for s in shares],
        "digits_at_least_1pct": int((shares >= 0.01).sum()),
        "kl_uniform": kl_to_uniform(shares),
        "inception_score": inception_score(probs),
        "mean_top_confidence": float(probs.max(1).values.mean()),
        "fid": fid,
        "n_knn": n_knn,
        **knn,
        "memorised_share": float(memorised),
        "seconds": round(time.perf_counter() - start, 1),
    }


@torch.no_grad()
def sample_generator(G, seed_fn: Callable, seed_size: int, n: int = DEFAULT_N, seed: int = 0,
                     batch_size: int = 1000) -> torch.Tensor:
    """``n`` images from G, fed with ``seed_fn((batch, seed_size))``; PyTorch's global RNG is left untouched."""
    # G.eval() is not called: the listings' Generator.train(D, inputs, targets) shadows nn.Module.train
    out = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for start in range(0, n, batch_size):
            seeds = seed_fn((min(batch_size, n - start), seed_size))
            out.append(G.forward(seeds).detach().cpu().float())
    images = torch.cat(out).reshape(n, -1)
    if images.shape[1] != 784:
        raise ValueError(f"the generator gives {images.shape[1]} values per image, expected 784")
    return images


def score_generator(G, seed_fn: Callable, seed_size: int, data_source=None, n: int = DEFAULT_N,
                    seed: int = 0, reference: Reference | None = None, log=print) -> dict:
    """Draw ``n`` samples from G with its seed function and return their score card (a dict)."""
    ref = _reference(reference, data_source, log)
    start = time.perf_counter()
    images = sample_generator(G, seed_fn, seed_size, n, seed)
    card = score_images(images, ref)
    card["seed"] = seed
    card["seconds"] = round(time.perf_counter() - start, 1)
    return card


def anchor_images(reference: Reference, n: int = DEFAULT_N, seed: int = 0) -> dict:
    """The anchors' images, drawn from the pool half of the test split (at most ``n`` each)."""
    from torchvision.transforms.functional import gaussian_blur

    gen = torch.Generator().manual_seed(seed)
    pool = reference.pool_images
    real = pool[torch.randperm(len(pool), generator=gen)[:n]]
    noisy = (real + NOISE_SIGMA * torch.randn(real.shape, generator=gen)).clamp(0, 1)
    blurred = gaussian_blur(real.view(-1, 1, 28, 28), [BLUR_KERNEL, BLUR_KERNEL],
                            [BLUR_SIGMA, BLUR_SIGMA]).reshape(len(real), 784)
    single = pool[reference.pool_labels == SINGLE_DIGIT][:n]
    return {"real": real, "noisy": noisy, "blurred": blurred, "single_digit": single}


def score_anchors(data_source=None, n: int = DEFAULT_N, seed: int = 0, reference: Reference | None = None,
                  log=print) -> dict:
    """Score cards of the anchors: real test images, noisy, blurred, one digit only."""
    ref = _reference(reference, data_source, log)
    cards = {}
    for name, images in anchor_images(ref, n, seed).items():
        cards[name] = dict(score_images(images, ref), label=ANCHOR_LABELS[name])
    return cards


# ------------------------------------------------------------------ checkpoints
def _codes_on_path():
    codes = str(Path(__file__).resolve().parents[1])
    if codes not in sys.path:
        sys.path.insert(0, codes)


def build_generator(model: str):
    """(G, seed_fn, seed_size) for ``gan`` (listing 06) or ``improved-gan`` (listing 09), untrained."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    _codes_on_path()
    module, cls, seed_module, seed_fn, seed_size = MODELS[model]
    G = getattr(importlib.import_module(module), cls)()
    return G, getattr(importlib.import_module(seed_module), seed_fn), seed_size


RUN_PATTERN = re.compile(r"(?P<model>improved-gan|gan)-(?P<kind>[a-z]+)(?P<count>\d+)-seed(?P<seed>\d+)(?:-.*)?")


def parse_run(run: str) -> dict | None:
    """``gan-idx60000-seed0-cpu-fast`` -> model, data kind, image count, seed; None if not a standard run."""
    m = RUN_PATTERN.fullmatch(run)
    if not m:
        return None
    return {"model": m["model"], "kind": m["kind"], "count": int(m["count"]), "seed": int(m["seed"])}


def load_generator(run: str, epoch: int, model: str | None = None, directory=None):
    """(G, seed_fn, seed_size) with the weights of checkpoint ``run``/epoch ``epoch``."""
    if model is None:
        parsed = parse_run(run)
        if parsed is None:
            raise CheckpointError(f"cannot tell the model from run name {run!r}; pass --model gan|improved-gan")
        model = parsed["model"]
    G, seed_fn, seed_size = build_generator(model)
    G.to("cpu")
    Checkpoints(run, directory).load(epoch, {"G": G}, restore_rng=False)
    return G, seed_fn, seed_size


def standard_checkpoints(directory=None) -> list[tuple[str, int]]:
    """(run, epoch) of every chapter run under CHECKPOINT_DIR: epochs 1 and 10 when saved, and the last."""
    root = Path(directory or paths.CHECKPOINT_DIR)
    found = []
    if not root.is_dir():
        return found
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if parse_run(folder.name) is None:
            continue
        saved = Checkpoints(folder.name, root).epochs_saved()
        if saved:
            found += [(folder.name, e) for e in sorted({e for e in saved if e in (1, 10)} | {saved[-1]})]
    return found


# ---------------------------------------------------------------------- results
def write_scores(key: str, settings: dict, classifier_info: dict, anchors: dict, generators: dict,
                 path=None) -> Path:
    """Merge into ``RESULTS_DIR/scores.json``, whose layout is::

        {"<data key, e.g. idx60000>": {"settings": {...}, "classifier": {...},
                                       "anchors": {"real": card, "noisy": ..., "blurred": ..., "single_digit": ...},
                                       "generators": {"<run>/epoch10": card, ...}}}

    Anchors and settings are replaced by this run's; generator cards are added or replaced.
    """
    path = Path(path or paths.RESULTS_DIR / SCORES_FILE)
    data = json.loads(path.read_text()) if path.is_file() else {}
    entry = data.setdefault(key, {})
    entry["settings"] = settings
    entry["classifier"] = {k: v for k, v in classifier_info.items() if k not in ("checkpoint", "loaded")}
    entry["anchors"] = anchors
    entry.setdefault("generators", {}).update(generators)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(_rounded(data), indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def read_scores(key: str | None = None, path=None) -> dict:
    """What ``write_scores`` wrote: all data keys, or the entry of one (``"idx60000"``); {} if none yet."""
    path = Path(path or paths.RESULTS_DIR / SCORES_FILE)
    data = json.loads(path.read_text()) if path.is_file() else {}
    return data if key is None else data.get(key, {})


def _rounded(x):
    if isinstance(x, float):
        return round(x, 4) if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


COLUMNS = [("digits>=1%", "digits_at_least_1pct", "{:d}"), ("KL", "kl_uniform", "{:.3f}"),
           ("IS", "inception_score", "{:.2f}"), ("conf", "mean_top_confidence", "{:.3f}"),
           ("FID", "fid", "{:.2f}"), ("prec", "precision", "{:.3f}"), ("recall", "recall", "{:.3f}"),
           ("density", "density", "{:.3f}"), ("cover", "coverage", "{:.3f}"),
           ("memo", "memorised_share", "{:.3f}"), ("n", "n", "{:d}"), ("s", "seconds", "{:.1f}")]


def format_table(cards: dict) -> str:
    """A plain-text table of score cards, one row each."""
    width = max([len(name) for name in cards] + [10])
    lines = [" ".join([f"{'':{width}}"] + [f"{h:>10}" for h, _, _ in COLUMNS])]
    for name, card in cards.items():
        lines.append(" ".join([f"{name:{width}}"] + [f"{fmt.format(card[key]):>10}" for _, key, fmt in COLUMNS]))
    return "\n".join(lines)


def _data_for_run(run: str, data_arg: str) -> str:
    parsed = parse_run(run)
    return "builtin" if parsed and parsed["kind"] == "builtin" else data_arg


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Score trained generators with the classifier-based score card (issue 6). "
                    "Without a checkpoint, scores every standard checkpoint found and the anchors.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("checkpoint", nargs="*", help="checkpoint files (checkpoints/RUN/epochNN.pt)")
    parser.add_argument("--run", help="run name (a folder under the checkpoint directory)")
    parser.add_argument("--epoch", type=int, help="epoch of --run (default: the last saved)")
    parser.add_argument("--model", choices=sorted(MODELS), help="generator class (default: from the run name)")
    parser.add_argument("--data", default=os.environ.get(DATA_ENV) or "auto",
                        help=f"MNIST source of the classifier and the real images (${DATA_ENV}); "
                             "runs trained on the built-in subset always use 'builtin'")
    parser.add_argument("-n", "--samples", type=int, default=DEFAULT_N, help="samples per generator")
    parser.add_argument("--seed", type=int, default=0, help="seed of the samples and of the anchors' noise")
    parser.add_argument("--checkpoints", default=str(paths.CHECKPOINT_DIR), help="checkpoint folder")
    parser.add_argument("--out", default=str(paths.RESULTS_DIR / SCORES_FILE), help="JSON file to merge into")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.set_default_device(None)

    jobs = []  # (name, data source, loader)
    for ckpt in args.checkpoint:
        p = Path(ckpt)
        m = re.fullmatch(r"epoch(\d+)\.pt", p.name)
        if not m:
            parser.error(f"{ckpt}: expected a checkpoint file named epochNN.pt inside its run folder")
        jobs.append((p.parent.name, int(m.group(1)), p.parent.parent))
    if args.run:
        epoch = args.epoch or (Checkpoints(args.run, args.checkpoints).epochs_saved() or [None])[-1]
        if epoch is None:
            print(f"error: no checkpoint saved under {Path(args.checkpoints) / args.run}", file=sys.stderr)
            return 1
        jobs.append((args.run, epoch, Path(args.checkpoints)))
    if not jobs:
        jobs = [(run, e, Path(args.checkpoints)) for run, e in standard_checkpoints(args.checkpoints)]
        if not jobs:
            print(f"no generator checkpoints under {args.checkpoints}: scoring the anchors only")

    by_source: dict[str, list] = {}
    for run, epoch, folder in jobs:
        by_source.setdefault(_data_for_run(run, args.data), []).append((run, epoch, folder))
    if not by_source:
        by_source[args.data] = []

    for source, runs in by_source.items():
        try:
            ref = build_reference(source)
        except Exception as err:  # data or classifier problem: one line, then the next source
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"score card: {ref.source}; classifier test accuracy "
              f"{ref.classifier.info['test_accuracy']:.4f}; {args.samples} samples per generator, seed {args.seed}; "
              f"reference statistics in {ref.seconds:.1f} s")
        anchors = score_anchors(n=args.samples, seed=args.seed, reference=ref)
        generators = {}
        for run, epoch, folder in runs:
            parsed = parse_run(run)
            if parsed and parsed["count"] != ref.settings["train_images"] and parsed["kind"] != "builtin":
                print(f"skipped {run}: trained on {parsed['count']} images, but --data gives "
                      f"{ref.settings['train_images']}; pass the same --data it was trained on")
                continue
            try:
                G, seed_fn, seed_size = load_generator(run, epoch, args.model, folder)
            except CheckpointError as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
            card = score_generator(G, seed_fn, seed_size, n=args.samples, seed=args.seed, reference=ref)
            card.update(run=run, epoch=epoch, model=args.model or parsed["model"])
            generators[f"{run}/epoch{epoch:02d}"] = card
        rows = {ANCHOR_LABELS[k]: v for k, v in anchors.items()} | generators
        print(format_table(rows))
        for name, card in rows.items():
            print(f"  {name}: digit shares {' '.join(f'{s:.2f}' for s in card['shares'])}")
        out = write_scores(ref.key, ref.settings, ref.classifier.info, anchors, generators, args.out)
        print(f"scores written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
