"""Rebuild the figures' Chinese font, codes/gankit/fonts/GanBookSansSC-Regular.ttf (fontTools).

The font is a subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1, see
codes/gankit/fonts/OFL.txt): ASCII, Latin-1, the symbols of GB 2312 (rows 1-9: CJK
punctuation, full-width forms, Greek, arrows, maths) and its 3,755 level-1 hanzi, the
common characters of printed Chinese, so that a reader's own Chinese labels draw too, plus
``EXTRA`` (characters matplotlib or the figures use outside GB 2312). Its outlines are
converted from CFF (cubic) to TrueType (quadratic): matplotlib's PDF backend embeds a font
as TrueType (Type 42), and a CFF font embedded that way is a broken PDF ("Mismatch between
font type and embedded font file", pdffonts). The family is renamed, GanBook Sans SC, so
matplotlib never mixes it up with a full Noto Sans CJK SC installed on the machine.

    python3 tools/make_font.py [--source NotoSansCJK-Regular.ttc]

Debian's fonts-noto-cjk installs the source at the default path. The same source gives the
same bytes (no time stamp is written).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "codes" / "gankit" / "fonts" / "GanBookSansSC-Regular.ttf"
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk
SOURCE_NAME = "Noto Sans CJK SC"  # the face of the collection we take
FAMILY = "GanBook Sans SC"
POSTSCRIPT = "GanBookSansSC-Regular"
GB2312_ROWS = [*range(0xA1, 0xAA), *range(0xB0, 0xD8)]  # symbols rows 1-9, level-1 hanzi rows 16-55
EXTRA = "−–—‘’“”•…‰′″€™✓"  # U+2212 minus (matplotlib's tick labels) and common punctuation
MAX_ERROR = 1.0  # font units (1,000 per em): cubic -> quadratic curves this close to the original


def characters() -> set[int]:
    """The code points the font covers."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) | {ord(c) for c in EXTRA}
    for high in GB2312_ROWS:
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:  # an unassigned cell of the row
                pass
    return chars


def to_truetype(font) -> None:
    """Replace the CFF outlines of ``font`` by TrueType (glyf) outlines, in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))  # TrueType winds the other way
        glyf.glyphs[name] = pen.glyph()
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    font["head"].glyphDataFormat = 0
    maxp = newTable("maxp")  # version 1.0, which TrueType needs (CFF fonts have 0.5)
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\0\1\0\0"


def rename(font) -> None:
    """The subset's own names (a modified version of the font, OFL section 3)."""
    names = {1: FAMILY, 2: "Regular", 4: f"{FAMILY} Regular", 6: POSTSCRIPT, 16: FAMILY, 17: "Regular",
             3: f"{POSTSCRIPT}; subset of {SOURCE_NAME} Regular"}
    table = font["name"]
    for record in table.names:
        if record.nameID in names:
            record.string = names[record.nameID]


def build(source: Path, target: Path) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(source), recalcTimestamp=False)
    faces = [f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_NAME]
    if not faces:
        raise SystemExit(f"error: {source} has no face {SOURCE_NAME!r}; give Noto Sans CJK (Regular) with --source")
    font = faces[0]
    options = subset.Options()
    options.layout_features = []  # no vertical or localised forms: matplotlib uses none
    options.hinting = False  # CFF hints do not survive the conversion; FreeType autohints
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    to_truetype(font)
    rename(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.recalcTimestamp = False
    font.save(str(target))
    return len(font.getBestCmap())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=SOURCE, help="NotoSansCJK-Regular.ttc (or .otf of the SC face)")
    parser.add_argument("--out", type=Path, default=TARGET, help="the font file to write")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"error: {args.source} not found: install Debian's fonts-noto-cjk or give --source", file=sys.stderr)
        return 2
    count = build(args.source, args.out)
    print(f"font: {count} characters, {args.out.stat().st_size:,} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
