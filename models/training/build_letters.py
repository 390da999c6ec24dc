"""The letters data set (notMNIST-like): the 26 capital Latin letters rendered from every face of
Debian's Latin font packages, letter = label, white on black, grey.

  sudo apt-get install python3-pil python3-fonttools $(/usr/bin/python3 build_letters.py --packages)
  /usr/bin/python3 build_letters.py --out /tmp/letters-32 [--size 32|64]
  /usr/bin/python3 train_zoo.py --data /tmp/letters-32 --zoo ../zoo/letters-32 ...

Deterministic: faces sorted by file path, each glyph drawn by FreeType (through Pillow) at a fixed
size, cropped to its ink, scaled to fit (size - 4) pixels keeping its aspect and centred. A face
that lacks any of A-Z (and a-z with --case both, the default; labels stay A-Z), draws an empty glyph, or draws the same 26 bitmaps as an earlier face is
skipped; a single glyph identical to one already kept (same letter) is dropped. Held-out fonts are
whole families (every weight and style), chosen by a hash of the family name, so the classifier
and the FD reference never see a training face. Writes OUT/train/<A-Z>/*.png, OUT/heldout/<A-Z>/*.png
and OUT/letters.json (package versions, faces, split, counts, time).
"""
import argparse
import hashlib
import json
import os
import subprocess
import time

import numpy as np

# Debian 12 packages with Latin faces (metapackages and symbol/emoji fonts left out)
PACKAGES = """fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-liberation2 fonts-noto-core fonts-urw-base35
fonts-freefont-ttf fonts-texgyre fonts-croscore fonts-crosextra-carlito fonts-crosextra-caladea fonts-linuxlibertine
fonts-ebgaramond fonts-cantarell fonts-open-sans fonts-roboto-unhinted fonts-lato fonts-sil-gentium fonts-sil-charis
fonts-sil-andika fonts-junicode fonts-comic-neue fonts-go fonts-hack fonts-inconsolata fonts-firacode fonts-adf-accanthis
fonts-adf-baskervald fonts-adf-berenis fonts-adf-gillius fonts-adf-ikarius fonts-adf-irianis fonts-adf-libris
fonts-adf-mekanus fonts-adf-oldania fonts-adf-romande fonts-adf-switzera fonts-adf-tribun fonts-adf-universalis
fonts-adf-verana fonts-cabin fonts-oldstandard fonts-paratype fonts-quicksand fonts-stix fonts-tuffy fonts-jura
fonts-humor-sans fonts-dkg-handwriting fonts-isabella fonts-femkeklaver fonts-averia-gwf fonts-averia-sans-gwf
fonts-averia-serif-gwf fonts-rufscript fonts-radisnoir fonts-lmodern fonts-yanone-kaffeesatz fonts-league-spartan
fonts-mplus fonts-vollkorn fonts-lyx""".split()
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
CASES = {"upper": LETTERS, "both": LETTERS + [c.lower() for c in LETTERS]}  # glyphs drawn; label = the letter
FONT_EXTENSIONS = (".ttf", ".otf", ".ttc", ".pfb", ".t1")


def installed_packages():
    """{package: version} of the font packages installed."""
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n"] + PACKAGES,
                         capture_output=True, text=True).stdout
    return {p: v for p, v, s in (line.split("\t") for line in out.splitlines()) if s.startswith("ii")}


def package_files(package):
    out = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True).stdout
    return sorted(f for f in out.splitlines() if f.lower().endswith(FONT_EXTENSIONS) and os.path.isfile(f)
                  and not os.path.islink(f))


def faces(path, glyphs):
    """(index, family, style) of every face in a font file that maps all the glyphs; [] when unreadable."""
    from fontTools.ttLib import TTCollection, TTFont
    try:
        if path.lower().endswith(".ttc"):
            fonts = list(TTCollection(path, lazy=True).fonts)
        elif path.lower().endswith((".pfb", ".t1")):
            return []  # Type 1: the same URW faces ship as OpenType in fonts-urw-base35
        else:
            fonts = [TTFont(path, lazy=True)]
    except Exception:
        return []
    out = []
    for i, f in enumerate(fonts):
        try:
            cmap = f.getBestCmap() or {}
            names = f["name"]
            family = str(names.getDebugName(16) or names.getDebugName(1) or os.path.basename(path))
            style = str(names.getDebugName(17) or names.getDebugName(2) or "")
        except Exception:
            continue
        if all(ord(c) in cmap for c in glyphs):
            out.append((i, family, style))
    return out


def render(path, index, letter, size):
    """The glyph cropped to its ink, scaled to fit (size - 4) and centred; None when it draws nothing."""
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(path, 4 * size, index=index)
    canvas = Image.new("L", (12 * size, 12 * size), 0)  # room for swashes and deep descents
    ImageDraw.Draw(canvas).text((4 * size, 4 * size), letter, fill=255, font=font)
    box = canvas.getbbox()
    if box is None:
        return None
    glyph = canvas.crop(box)
    inner = size - 4
    scale = inner / max(glyph.size)
    w, h = max(1, round(glyph.size[0] * scale)), max(1, round(glyph.size[1] * scale))
    glyph = glyph.resize((w, h), Image.LANCZOS)
    out = Image.new("L", (size, size), 0)
    out.paste(glyph, ((size - w) // 2, (size - h) // 2))
    return np.asarray(out, np.uint8)


def heldout_family(family, fraction):
    digest = hashlib.sha256(family.strip().lower().encode()).digest()
    return int.from_bytes(digest[:4], "big") < fraction * 2 ** 32


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", help="output folder")
    p.add_argument("--size", type=int, default=32, choices=(32, 64))
    p.add_argument("--case", default="both", choices=CASES, help="capitals only, or capitals and small letters")
    p.add_argument("--heldout-fraction", type=float, default=0.15, help="share of font families held out")
    p.add_argument("--packages", action="store_true", help="print the font packages to install and exit")
    args = p.parse_args()
    if args.packages:
        print(" ".join(PACKAGES))
        return
    if not args.out:
        p.error("--out is required")
    from PIL import Image
    start = time.time()
    versions = installed_packages()
    if not versions:
        raise SystemExit("build_letters: none of the font packages is installed (see --packages)")
    chars = CASES[args.case]
    seen_faces, seen_glyphs = set(), [set() for _ in chars]
    records, counts = [], {"faces_found": 0, "faces_missing_letters_or_empty": 0, "faces_duplicate": 0,
                           "glyphs_duplicate": 0}
    written = {"train": 0, "heldout": 0}
    for package in sorted(versions):
        for path in package_files(package):
            for index, family, style in faces(path, chars):
                counts["faces_found"] += 1
                glyphs = [render(path, index, c, args.size) for c in chars]
                if any(g is None for g in glyphs):
                    counts["faces_missing_letters_or_empty"] += 1
                    continue
                key = hashlib.sha256(b"".join(g.tobytes() for g in glyphs)).hexdigest()
                if key in seen_faces:
                    counts["faces_duplicate"] += 1
                    continue
                seen_faces.add(key)
                split = "heldout" if heldout_family(family, args.heldout_fraction) else "train"
                face_id = f"{len(records):04d}"
                kept = 0
                for k, (char, g) in enumerate(zip(chars, glyphs)):
                    h = hashlib.sha256(g.tobytes()).hexdigest()
                    if h in seen_glyphs[k]:
                        counts["glyphs_duplicate"] += 1
                        continue
                    seen_glyphs[k].add(h)
                    folder = os.path.join(args.out, split, char.upper())
                    os.makedirs(folder, exist_ok=True)
                    suffix = "" if char.isupper() else "-small"
                    Image.fromarray(g).save(os.path.join(folder, f"{face_id}{suffix}.png"), optimize=True)
                    kept += 1
                written[split] += kept
                records.append({"id": face_id, "package": package, "file": path, "index": index, "family": family,
                                "style": style, "split": split, "glyphs": kept})
    families = {s: sorted({r["family"] for r in records if r["split"] == s}) for s in ("train", "heldout")}
    overlap = set(families["train"]) & set(families["heldout"])
    assert not overlap, overlap
    summary = {"size": args.size, "letters": LETTERS, "case": args.case, "packages": versions, "faces": len(records),
               "families": {s: len(f) for s, f in families.items()}, "images": written, "counts": counts,
               "heldout_fraction": args.heldout_fraction, "seconds": round(time.time() - start, 1),
               "heldout_families": families["heldout"], "face_list": records}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "letters.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(json.dumps({k: summary[k] for k in ("size", "faces", "families", "images", "counts", "seconds")}))


if __name__ == "__main__":
    main()
