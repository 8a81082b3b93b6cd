"""The name of a training run: what was trained, on which data, with which seed, how.

``gan-idx60000-seed0-cpu-fast-1a2b3c4d5e`` is the first GAN (prefix ``gan``)
on the 60,000 MNIST IDX training images, 随机数种子 0, on the CPU, with the
fast engine, and the fingerprint of its code, hyperparameters and data
(``gankit.fingerprint``). Built and parsed here only; a run's checkpoints live
in a folder of this name, so different settings never share a checkpoint.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"(?P<prefix>[a-z0-9-]+?)-(?P<data>(?P<kind>[a-z]+)(?P<count>\d+))-seed(?P<seed>\d+)"
                      r"-(?P<device>cpu|cuda|mps)(?:-(?P<engine>listing|fast))?(?:-(?P<fingerprint>[0-9a-f]{10}))?")


@dataclass(frozen=True)
class RunName:
    """One training run's identity; ``str()`` gives the folder name, ``RunName.parse`` reads it back."""

    prefix: str  # what was trained: gan, improved-gan, ablation-bce, remedy-pacgan2, ...
    data: str  # the data key: kind and image count, e.g. idx60000 (MnistData.key)
    seed: int
    device: str  # cpu, cuda or mps
    engine: str | None = None  # listing or fast for the per-sample GANs; None when only one exists
    fingerprint: str | None = None  # code, hyperparameters and data (gankit.fingerprint)

    def __str__(self) -> str:
        parts = [self.prefix, self.data, f"seed{self.seed}", self.device, self.engine, self.fingerprint]
        return "-".join(p for p in parts if p)

    @classmethod
    def parse(cls, name: str) -> "RunName | None":
        """The RunName of folder ``name``, or None when it is not a run name."""
        m = _PATTERN.fullmatch(name)
        if not m:
            return None
        return cls(m["prefix"], m["data"], int(m["seed"]), m["device"], m["engine"], m["fingerprint"])

    @property
    def data_kind(self) -> str:
        return re.match(r"[a-z]+", self.data).group(0)

    @property
    def images(self) -> int:
        return int(self.data[len(self.data_kind):])
