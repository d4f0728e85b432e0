#!/usr/bin/env python3
"""Cuts the two faces jixiao's templates use out of Debian's Noto CJK collections, each
into two files: its common characters and its rare ones.

    python3 scripts/subset_fonts.py SRC_DIR OUT_DIR

SRC_DIR holds Debian's NotoSerifCJK-Regular.ttc and NotoSansCJK-Bold.ttc (from the
fonts-noto-cjk package, /usr/share/fonts/opentype/noto/); OUT_DIR receives, per face,
<face>.otf (the common characters) and <face>-Rare.otf (the rest). Run it through
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
metrics and timestamps are copied unchanged; nothing is recalculated.

How a face is split (issue 13: Typst hashes every byte of a font it uses, once per
process, so a smaller common file makes every run start sooner): the common file has
GB 2312's characters (its 6,763 hanzi and its symbols, kana, Greek and Cyrillic),
everything below U+2E80 (Latin, punctuation, symbols), CJK symbols and punctuation
(U+3000-303F), the vertical and compatibility forms (U+FE10-FE1F, U+FE30-FE4F) and the
half- and full-width forms (U+FF00-FFEF); the rare file has every other code point (the
other hanzi, Extensions A-G, Hangul, Bopomofo, enclosed and compatibility characters).
Both keep the face's family and style names, so a template asking for the family gets the
common file and Typst's fallback finds the rare one for a character the common one
lacks; the rare file's full and PostScript names end in "Rare" (name IDs 3, 4 and 6), so that a PDF or OFD reader tells the two embedded fonts apart.

After writing, each pair is checked against its source face: together the same cmap
(every code point to the same glyph name, none in both), the same variation sequences,
the same family and style, the same timestamp.
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


def gb2312():
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    out = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


COMMON_RANGES = ((0x0000, 0x2E7F), (0x3000, 0x303F), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def is_common(cp, gb):
    return cp in gb or any(lo <= cp <= hi for lo, hi in COMMON_RANGES)


def rename_rare(font, suffix="Rare"):
    """Full name, unique ID and PostScript name get `suffix`; the family and style names
    stay. (The CFF table's own font name is the collection's, NotoSerifCJKjp-Regular in
    every face, and is left as upstream has it.)"""
    name = font["name"]
    postscript = name.getDebugName(6)
    renamed = f"{postscript}-{suffix}"
    for record in name.names:
        if record.nameID == 6:
            record.string = renamed
        elif record.nameID in (3, 4):
            record.string = f"{record.toUnicode()} {suffix}"
    return renamed


def cut(src, collection, unicodes, selectors, path, rare):
    # recalcTimestamp=False: keep head.modified as upstream has it, so the output
    # depends only on the input and the fontTools version, not on the clock.
    font = TTFont(src, fontNumber=SC_FACE, recalcTimestamp=False)
    subsetter = subset.Subsetter(options(font))
    # The variation selectors too, or the variation sequences are dropped.
    subsetter.populate(unicodes=unicodes | selectors)
    subsetter.subset(font)
    if rare:
        rename_rare(font)
    font.save(path)
    return TTFont(path)


def main(src_dir, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    gb = gb2312()
    for collection, output, family, style in FACES:
        source = TTFont(src_dir / collection, fontNumber=SC_FACE)
        name = source["name"]
        if (name.getDebugName(1), name.getDebugName(2)) != (family, style):
            sys.exit(f"{collection}: face {SC_FACE} is {name.getDebugName(1)} {name.getDebugName(2)}, not {family} {style}")
        cmap = dict(source.getBestCmap())
        sequences = uvs(source)
        selectors = {selector for selector, _ in sequences}
        glyphs_before = len(source.getGlyphOrder())
        common = {cp for cp in cmap if is_common(cp, gb)}
        rare = set(cmap) - common
        stem = output.removesuffix(".otf")
        parts = [(f"{stem}.otf", common, False), (f"{stem}-Rare.otf", rare, True)]

        cmaps, all_sequences = [], {}
        for part, unicodes, is_rare in parts:
            path = out_dir / part
            check = cut(src_dir / collection, collection, unicodes, selectors, path, is_rare)
            part_cmap = dict(check.getBestCmap())
            # Both subsets are given the variation selectors (the subsetter keeps a
            # sequence only with its selector); the cmap itself maps none of them.
            expected = {cp: cmap[cp] for cp in unicodes | selectors if cp in cmap}
            if part_cmap != expected:
                sys.exit(f"{part}: the cmap is not the source face's for its code points")
            cmaps.append(part_cmap)
            all_sequences.update(uvs(check))
            if (check["name"].getDebugName(1), check["name"].getDebugName(2)) != (family, style):
                sys.exit(f"{part}: family or style changed")
            if check["head"].modified != source["head"].modified:
                sys.exit(f"{part}: head.modified changed")
            print(f"{part}: {family} {style} ({check['name'].getDebugName(6)}), "
                  f"{len(part_cmap)} code points, {len(check.getGlyphOrder())} of "
                  f"{glyphs_before} glyphs, {path.stat().st_size} bytes")
        if (set(cmaps[0]) & set(cmaps[1])) - selectors or {**cmaps[0], **cmaps[1]} != cmap:
            sys.exit(f"{output}: the two files together are not the source face's cmap")
        if all_sequences != sequences:
            sys.exit(f"{output}: the variation sequences differ from the source face's")
        print(f"{output}: {len(cmap)} code points, {len(sequences)} variation sequences in all")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
