"""The CPU math libraries pinned, so that the batched trainings repeat bit for bit where the libraries allow.

PyTorch's CPU arithmetic comes from three places, each choosing its instruction set when
first used: ATen's own vectorised kernels (sums, Adam, LayerNorm: ``ATEN_CPU_CAPABILITY``),
oneDNN (convolutions: ``ONEDNN_MAX_CPU_ISA``, formerly ``DNNL_MAX_CPU_ISA``) and MKL (matrix
products: ``MKL_CBWR``). On an AVX-512 CPU each picks wider vectors than on an AVX2 CPU and
adds the same numbers in another order; a GAN amplifies that last-bit difference until the
drawn digits differ. Each variable is read at the library's first use, not when torch is
imported, so setting it here, on importing gankit and before any computation, is in time.
A variable a reader has set is kept.

- ATen and oneDNN are capped at AVX2, the instruction set the per-sample GANs' fast engine
  is compiled for (``gankit.fast.REPRODUCIBLE_TARGET``): the same kernels on every x86-64 CPU
  with AVX2 (most from 2013 on), as for the per-sample GANs.
- MKL's AVX2 branch is honoured on Intel CPUs only (on AMD, ``MKL_CBWR=AVX2`` falls back to
  AUTO): ``COMPATIBLE`` is its one branch that gives the same bits on Intel and AMD CPUs.
- One thread (make figures' trainings already run with one): a sum split among threads is
  added in an order that depends on how many there are.

Not pinned, so not promised: CPUs without AVX2, ARM (Apple silicon), GPUs, and other
versions of PyTorch, oneDNN or MKL.
"""
from __future__ import annotations

import os

PINNED = {
    "ATEN_CPU_CAPABILITY": "avx2",  # ATen's vectorised kernels (falls back by itself below AVX2)
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN's convolutions and matrix products
    "DNNL_MAX_CPU_ISA": "AVX2",  # the same, for oneDNN before version 2.x's rename
    "MKL_CBWR": "COMPATIBLE",  # MKL's one code path that is the same on Intel and AMD CPUs
}


def pin(environ=os.environ) -> dict:
    """Set every PINNED variable the reader has not set; return what ``environ`` now says for each."""
    for name, value in PINNED.items():
        environ.setdefault(name, value)
    return {name: environ[name] for name in PINNED}


pin()
