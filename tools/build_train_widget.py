"""`make widgets`, part 2: what the page's 训练 widget downloads when the reader presses 开始.

1. ``_static/widgets/gan_train.wasm``: assembled from ``gan_train.wat`` (WebAssembly text with
   128-bit SIMD) by ``wasmtime.wat2wasm``, the WAT assembler of the pinned ``wasmtime`` package.
   Same source, same bytes: ``tests/test_train_widget.py`` assembles it again and compares.
2. ``_static/widgets/mnist/train-images-10000.u8.gz``: the first 10,000 images of the MNIST
   training set, in their order, as 784 bytes (0-255) each, gzip-compressed (the page
   decompresses with the browser's own ``DecompressionStream``), and ``mnist.json`` beside it
   (count, SHA-256 of the bytes, where they come from, the licence). Made only from the full
   MNIST, read through the project's data setting (``$GANBOOK_DATA`` / ``--data``); with any
   other data it is left as it is, and the script says so.

    PYTHONPATH=codes python3 tools/build_train_widget.py [--data DIR] [--check]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "codes"))

from gankit import load_mnist, paths, settings  # noqa: E402
from gankit.cli import CLEAR_ERRORS  # noqa: E402
from gankit.storage import atomic_write_bytes  # noqa: E402

WIDGETS = ROOT / "_static" / "widgets"
WAT = WIDGETS / "gan_train.wat"
WASM = WIDGETS / "gan_train.wasm"
MNIST = WIDGETS / "mnist"
IMAGES = 10_000  # enough variety for the first GAN's collapse and the improved GAN's spread; ~1.6 MB
SPRITE = MNIST / f"train-images-{IMAGES}.u8.gz"
ABOUT = MNIST / "mnist.json"
LICENCE = {
    "name": "MNIST database of handwritten digits",
    "authors": "Yann LeCun, Corinna Cortes, Christopher J. C. Burges",
    "licence": "Creative Commons Attribution-Share Alike 3.0 (CC BY-SA 3.0)",
    "licence_url": "https://creativecommons.org/licenses/by-sa/3.0/",
}


def assemble(wat: Path = WAT) -> bytes:
    """gan_train.wat -> WebAssembly binary (wasmtime's assembler; SIMD is on by default)."""
    import wasmtime

    return bytes(wasmtime.wat2wasm(wat.read_text(encoding="utf-8")))


def sprite_bytes(data) -> bytes:
    """The first IMAGES training images as bytes 0-255 (load_mnist scaled them by 1/255: undone exactly)."""
    pixels = (data.images[:IMAGES].cpu().numpy() * 255).round()
    return pixels.astype("uint8").tobytes()


def compress(raw: bytes) -> bytes:
    return gzip.compress(raw, compresslevel=9, mtime=0)  # mtime 0: same images, same file


def _unpacked(packed: bytes) -> bytes | None:
    """The pixels inside a gzip file, or None when it is not one."""
    try:
        return gzip.decompress(packed)
    except (OSError, EOFError):
        return None


def about(raw: bytes, packed: bytes) -> dict:
    return {"images": IMAGES, "height": 28, "width": 28, "file": SPRITE.name, "bytes": len(packed),
            "format": "gzip of uint8 pixels 0-255, 784 per image, row by row, images one after another",
            "sha256_pixels": hashlib.sha256(raw).hexdigest(),
            "source": f"MNIST training set (train-images-idx3-ubyte), images 0-{IMAGES - 1} in file order",
            **LICENCE}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=None, help="the MNIST source: " + settings.DATA_CHOICES
                        + f" (${settings.DATA_ENV}; default auto); the images are made only from the full MNIST")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: exit 1 unless the committed files equal what this would write")
    args = parser.parse_args(argv)
    try:
        settings.check()
        wasm = assemble()
        stale = []
        if WASM.is_file() and WASM.read_bytes() == wasm:
            print(f"{paths.relative(WASM)}: up to date ({len(wasm):,} bytes)")
        elif args.check:
            stale.append(WASM)
        else:
            atomic_write_bytes(WASM, wasm)
            print(f"wrote {paths.relative(WASM)} ({len(wasm):,} bytes) from {WAT.name}")
        data = load_mnist(settings.data_source(args.data), quiet=True)
        if not data.is_full_mnist:
            print(f"{paths.relative(SPRITE)}: kept as it is (made only from the full MNIST, not from "
                  f"{data.describe()}: point {settings.DATA_ENV} at the full MNIST to remake it)")
        else:
            raw = sprite_bytes(data)
            # the file there holds these pixels (unpacking is fast; packing at level 9 is not): keep it
            packed = SPRITE.read_bytes() if SPRITE.is_file() else b""
            if not packed or _unpacked(packed) != raw:
                packed = compress(raw)
            text = json.dumps(about(raw, packed), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            same = SPRITE.is_file() and SPRITE.read_bytes() == packed and ABOUT.is_file() \
                and ABOUT.read_text(encoding="utf-8") == text
            if same:
                print(f"{paths.relative(SPRITE)}: up to date ({len(packed):,} bytes)")
            elif args.check:
                stale.append(SPRITE)
            else:
                MNIST.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(SPRITE, packed)
                atomic_write_bytes(ABOUT, text.encode("utf-8"))
                print(f"wrote {paths.relative(SPRITE)} ({len(packed):,} bytes, {IMAGES:,} images)")
        if stale:
            print("error: not what the sources give: " + ", ".join(str(paths.relative(p)) for p in stale)
                  + "; run `make widgets`", file=sys.stderr)
            return 1
    except CLEAR_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
