"""The score card of a generator: how many digits, how good, how varied, how copied.

For a trained generator, ``score_generator`` draws ``n`` samples (default
5,000) with the generator's own noise function and measures them with the
project's digit classifier (``gankit.classifier``); the measures are defined
once in ``gankit.metrics`` (names, headers, which direction is better):

- ``shares``: the share of each digit 0-9 (classifier's argmax), and
  ``digits_at_least_1pct``, how many digits hold at least 1% of the samples;
- ``kl_uniform``: KL(shares || uniform), 0 when every digit is equally common,
  ln 10 = 2.303 when all samples are one digit;
- ``inception_score``: exp(E_x KL(p(y|x) || p(y))) with the classifier (1 to 10),
  and ``mean_top_confidence``, the mean of max_y p(y|x);
- ``fid``: Frechet distance between the classifier's 128 penultimate features of
  the samples and of real test images, computed by torchmetrics'
  ``FrechetInceptionDistance`` with the classifier as custom ``feature`` module
  (no Inception weights are downloaded; not comparable with papers' FIDs);
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

    from gankit.scorecard import score_generator, score_anchors
    card = score_generator(G, generate_normal_noise, 100, data_source="builtin")

Scoring the trained checkpoints of the book's models is an experiment:
``python -m experiments.evaluate`` (``make evaluate``).
"""
from __future__ import annotations

import hashlib
import inspect
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from . import paths
from .classifier import DIGEST_DIGITS, DigitClassifier, FeatureExtractor, load_classifier
from .data import MnistData, load_mnist
from .metrics import digit_shares, inception_score, kl_to_uniform
from .storage import StorageError, read_memory, write_json

DEFAULT_N = 5000
SAMPLE_BATCH = 1000  # samples per forward pass of a generator (batch norm sees this many)
K_NEIGHBOURS = 5
NOISE_SIGMA = 0.2
BLUR_KERNEL = 5  # Gaussian blur: 5x5 kernel ...
BLUR_SIGMA = 1.0  # ... with standard deviation 1 pixel
SINGLE_DIGIT = 1
MEMORISATION_PERCENTILE = 1.0  # closer to a training image than 99% of test images are
SPLIT_SEED = 0  # the fixed cut of the test split into reference and anchor pool
ANCHOR_LABELS = {
    "real": "real test images",
    "noisy": f"real + Gaussian noise sigma={NOISE_SIGMA}",
    "blurred": f"real, blurred ({BLUR_KERNEL}x{BLUR_KERNEL} Gaussian, sigma={BLUR_SIGMA})",
    "single_digit": f"real, digit {SINGLE_DIGIT} only",
}

# ------------------------------------------------------------------ the measures
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


# the code of nearest_distances, in the name of the file that keeps the threshold it gave
NEAREST_CODE = hashlib.sha256(inspect.getsource(nearest_distances).encode()).hexdigest()[:DIGEST_DIGITS]


def memorisation_threshold(test: MnistData, train: MnistData) -> float:
    """The MEMORISATION_PERCENTILE-th percentile of the test images' distances to their nearest
    training image. It costs about 45 s of CPU on the full MNIST, so it is computed once for these
    images, this code and this thread count, then read from a small file beside the classifiers."""
    threads = torch.get_num_threads()  # a sum split among threads may round otherwise
    cache = (paths.CHECKPOINT_DIR / "classifier" / f"memorisation-{train.digest[:DIGEST_DIGITS]}-"
             f"{test.digest[:DIGEST_DIGITS]}-p{MEMORISATION_PERCENTILE:g}-{NEAREST_CODE}-threads{threads}.json")
    known = read_memory(cache).get("threshold")
    if isinstance(known, float):
        return known
    threshold = torch.quantile(nearest_distances(test.images.cpu(), train.images.cpu()),
                               MEMORISATION_PERCENTILE / 100).item()
    try:  # only a cache: a folder it cannot write to costs the 45 s next time, nothing else
        write_json(cache, {"threshold": threshold, "percentile": MEMORISATION_PERCENTILE,
                           "train_sha256": train.digest, "test_sha256": test.digest, "threads": threads},
                   digits=None)
    except (OSError, StorageError):
        pass
    return threshold


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


def classifier_record(classifier: DigitClassifier) -> dict:
    """What a results file says about the score card's classifier: its ``info`` (data, epochs, test
    accuracy) and ``sha256``, the SHA-256 of its checkpoint file, which names that one classifier
    (None for a classifier that was not loaded from or saved to a file)."""
    import hashlib

    info = dict(getattr(classifier, "info", {}))
    checkpoint = info.pop("checkpoint", None)
    info.pop("loaded", None)
    info["sha256"] = hashlib.sha256(Path(checkpoint).read_bytes()).hexdigest() if checkpoint else None
    return info


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

    threshold = memorisation_threshold(test, train)
    reference = Reference(
        key=train.key(), source=train.source, classifier=classifier,
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
        "classifier_sha256": classifier_record(classifier)["sha256"],
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
        "classifier_sha256": ref.settings.get("classifier_sha256"),  # which classifier scored it
    }


@torch.no_grad()
def sample_generator(G, seed_fn: Callable, seed_size: int, n: int = DEFAULT_N, seed: int = 0,
                     batch_size: int = SAMPLE_BATCH) -> torch.Tensor:
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
