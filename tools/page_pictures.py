"""Before and after pictures of pages of the print edition: the same page of two PDFs side by side.

    python3 tools/page_pictures.py BEFORE.pdf AFTER.pdf --find "图2-61 " "图2-67 " --out results/pages

For each text, the first page of each PDF that holds it (``pdftotext``) is drawn (``pdftoppm``,
Poppler) and the two are set side by side, the earlier one on the left, into
``<out>/page-<n>.png``. Used for the review of a change to the print edition.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

DPI = 60  # small enough to keep the pictures light, large enough to see the layout
GAP = 24  # pixels between the two pages


def pages_text(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")


def first_page(pdf: Path, text: str) -> int:
    """The number (from 1) of the first page of ``pdf`` that holds ``text``."""
    for number, page in enumerate(pages_text(pdf), start=1):
        if text in page:
            return number
    raise SystemExit(f"error: {pdf} has no page with {text!r}")


def draw_page(pdf: Path, number: int, folder: Path) -> Image.Image:
    stem = folder / f"{pdf.stem}-{number}"
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(number), "-l", str(number), "-singlefile",
                    str(pdf), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def side_by_side(before: Image.Image, after: Image.Image, labels: tuple[str, str]) -> Image.Image:
    width, height = before.width + GAP + after.width, max(before.height, after.height) + 20
    picture = Image.new("RGB", (width, height), "white")
    picture.paste(before, (0, 20))
    picture.paste(after, (before.width + GAP, 20))
    pen = ImageDraw.Draw(picture)
    pen.text((4, 4), labels[0], fill="black")
    pen.text((before.width + GAP + 4, 4), labels[1], fill="black")
    return picture


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--find", nargs="+", required=True, help="a text on each page to show")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n, text in enumerate(args.find, start=1):
            pages = [first_page(pdf, text) for pdf in (args.before, args.after)]
            images = [draw_page(pdf, p, Path(tmp)) for pdf, p in zip((args.before, args.after), pages)]
            labels = (f"before: page {pages[0]}", f"after: page {pages[1]}")
            target = args.out / f"page-{n}.png"
            side_by_side(*images, labels).save(target, optimize=True)
            print(f"{target}: {text!r} on page {pages[0]} before, page {pages[1]} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
