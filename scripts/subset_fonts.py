#!/usr/bin/env python3
"""Cuts the two faces jixiao's templates use out of Debian's Noto CJK collections.

    python3 scripts/subset_fonts.py SRC_DIR OUT_DIR

SRC_DIR holds Debian's NotoSerifCJK-Regular.ttc and NotoSansCJK-Bold.ttc (from the
fonts-noto-cjk package, /usr/share/fonts/opentype/noto/); OUT_DIR receives
NotoSerifCJKsc-Regular.otf and NotoSansCJKsc-Bold.otf. Run it through
scripts/fonts.sh, which fetches and verifies the package and pins fontTools.

What is kept, per face: the Simplified Chinese face (face 2 of each collection), with
every code point of its cmap (44,7xx of them, including the rare CJK Extension B-G
ideographs people have in their names), its Unicode variation sequences, every
OpenType feature, every script, and every glyph reachable from those code points
through the features of the default and the Simplified Chinese (ZHS) language systems.
What is dropped: the JAN, KOR, ZHT and ZHH language systems, i.e. the Japanese, Korean
and Traditional Chinese regional glyph forms that only `locl` under those languages
reaches (jixiao's templates set `lang: "zh", region: "cn"`), and the collection's other
three faces (which only map code points to those regional forms). Outlines, hinting,
metrics, names and timestamps are copied unchanged; nothing is recalculated.

After writing, each output is checked against its source face: same cmap (every code
point to the same glyph name), same variation sequences, same family and style.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

# (collection, output, family expected in the SC face)
FACES = [
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf", "Noto Serif CJK SC", "Regular"),
    ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "Noto Sans CJK SC", "Bold"),
]
SC_FACE = 2
LANGUAGES = ("dflt", "ZHS")


def options(font):
    opts = subset.Options()
    features = set()
    scripts = set()
    for tag in ("GSUB", "GPOS"):
        table = font[tag].table
        features.update(r.FeatureTag for r in table.FeatureList.FeatureRecord)
        scripts.update(r.ScriptTag.strip() for r in table.ScriptList.ScriptRecord)
    opts.layout_features = sorted(features)
    opts.layout_scripts = sorted(f"{s}.{lang}" for s in scripts for lang in LANGUAGES)
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.notdef_glyph = True
    opts.glyph_names = True
    opts.legacy_kern = True
    opts.symbol_cmap = True
    opts.legacy_cmap = True
    opts.prune_unicode_ranges = False
    opts.prune_codepage_ranges = False
    opts.recalc_bounds = False
    opts.recalc_timestamp = False
    opts.recalc_average_width = False
    opts.recalc_max_context = False
    opts.hinting = True
    opts.desubroutinize = False
    opts.drop_tables = []
    opts.passthrough_tables = True
    return opts


def uvs(font):
    """Unicode variation sequences: (selector, code point) -> glyph name or None (default)."""
    out = {}
    for table in font["cmap"].tables:
        if table.format == 14:
            for selector, pairs in table.uvsDict.items():
                for cp, glyph in pairs:
                    out[(selector, cp)] = glyph
    return out


def main(src_dir, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    for collection, output, family, style in FACES:
        source = TTFont(src_dir / collection, fontNumber=SC_FACE)
        name = source["name"]
        if (name.getDebugName(1), name.getDebugName(2)) != (family, style):
            sys.exit(f"{collection}: face {SC_FACE} is {name.getDebugName(1)} {name.getDebugName(2)}, not {family} {style}")
        cmap = dict(source.getBestCmap())
        sequences = uvs(source)
        glyphs_before = len(source.getGlyphOrder())

        # recalcTimestamp=False: keep head.modified as upstream has it, so the output
        # depends only on the input and the fontTools version, not on the clock.
        font = TTFont(src_dir / collection, fontNumber=SC_FACE, recalcTimestamp=False)
        subsetter = subset.Subsetter(options(font))
        # The variation selectors too, or the variation sequences are dropped.
        selectors = {selector for selector, _ in sequences}
        subsetter.populate(unicodes=set(cmap) | selectors)
        subsetter.subset(font)
        path = out_dir / output
        font.save(path)

        check = TTFont(path)
        if dict(check.getBestCmap()) != cmap:
            sys.exit(f"{output}: the cmap differs from the source face's")
        if uvs(check) != sequences:
            sys.exit(f"{output}: the variation sequences differ from the source face's")
        if (check["name"].getDebugName(1), check["name"].getDebugName(2)) != (family, style):
            sys.exit(f"{output}: family or style changed")
        if check["head"].modified != source["head"].modified:
            sys.exit(f"{output}: head.modified changed")
        print(f"{output}: {family} {style}, {len(cmap)} code points, "
              f"{len(sequences)} variation sequences, {len(check.getGlyphOrder())} of "
              f"{glyphs_before} glyphs, {path.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
