"""A zoo's data set, read once and split once: a folder of PNGs or IDX files -> one .npz that every
training script of the zoo reads (--data), and the split recorded for the manifests.

Folder layouts (labels from sub-folder names, sorted; PNGs directly in a folder are unlabelled):
  DIR/<label>/*.png                       split at random (--heldout-fraction, --seed)
  DIR/train/<label>/*.png + DIR/heldout/<label>/*.png   the split as given (e.g. held-out fonts)
  DIR/train-images-idx3-ubyte[.gz] + DIR/t10k-images-idx3-ubyte[.gz] (+ -labels-idx1-ubyte)   IDX

All images must share one size; grey or RGB by --channels. Images are stored as uint8 and become
[-1, 1] floats (v / 127.5 - 1) when loaded.
"""
import gzip
import hashlib
import json
import os

import numpy as np
import torch


class DataError(ValueError):
    """Bad input data; the message names the file."""


def _pngs(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(".png"))


def _read_png(path, channels):
    from PIL import Image
    try:
        with Image.open(path) as im:
            im.load()
            rgb = im.convert("L" if channels == 1 else "RGB")
    except Exception as e:  # PIL raises several types for broken files
        raise DataError(f"{path}: not a readable PNG ({type(e).__name__}: {e})") from None
    a = np.asarray(rgb, np.uint8)
    return a[None] if channels == 1 else a.transpose(2, 0, 1)


def read_png_folder(folder, channels):
    """-> images uint8 (N, C, H, W), labels int64 (N,) or None, classes, file names (relative)."""
    if not os.path.isdir(folder):
        raise DataError(f"{folder}: data folder not found")
    subdirs = sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
    entries = []
    if subdirs:
        for label, d in enumerate(subdirs):
            entries += [(p, label) for p in _pngs(os.path.join(folder, d))]
    entries += [(p, -1) for p in _pngs(folder)]
    if not entries:
        raise DataError(f"{folder}: no PNG files (expected {folder}/<label>/*.png or {folder}/*.png)")
    if subdirs and any(label < 0 for _, label in entries):
        stray = next(p for p, label in entries if label < 0)
        raise DataError(f"{stray}: a PNG beside label folders {subdirs[:3]}...; put it in a label folder")
    images, first = [], None
    for path, _ in entries:
        a = _read_png(path, channels)
        if first is None:
            first = (path, a.shape)
        elif a.shape != first[1]:
            raise DataError(f"{path}: image is {a.shape[2]}x{a.shape[1]} (W x H), but {first[0]} is "
                            f"{first[1][2]}x{first[1][1]}; all images of a data set must share one size")
        images.append(a)
    labels = np.array([label for _, label in entries], np.int64) if subdirs else None
    names = [os.path.relpath(p, folder) for p, _ in entries]
    return np.stack(images), labels, subdirs, names


def _idx(folder, prefix, kind):
    for name in (f"{prefix}-{kind}-ubyte.gz", f"{prefix}-{kind}-ubyte"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with (gzip.open if name.endswith(".gz") else open)(path, "rb") as f:
                return path, f.read()
    return None, None


def read_idx(folder, prefix):
    path, raw = _idx(folder, prefix, "images-idx3")
    if raw is None:
        raise DataError(f"{folder}: no {prefix}-images-idx3-ubyte(.gz)")
    if len(raw) < 16 or int.from_bytes(raw[:4], "big") != 0x803:
        raise DataError(f"{path}: not an IDX image file")
    n, h, w = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    if len(raw) < 16 + n * h * w:
        raise DataError(f"{path}: truncated ({len(raw) - 16} of {n * h * w} bytes)")
    images = np.frombuffer(raw, np.uint8, n * h * w, 16).reshape(n, 1, h, w)
    lpath, lraw = _idx(folder, prefix, "labels-idx1")
    labels = None
    if lraw is not None:
        if int.from_bytes(lraw[:4], "big") != 0x801:
            raise DataError(f"{lpath}: not an IDX label file")
        labels = np.frombuffer(lraw, np.uint8, n, 8).astype(np.int64)
    return images, labels, path


def prepare(source, channels=1, heldout_fraction=0.1, seed=0, classes_file=None):
    """Reads a data set and splits it. -> dict of arrays and 'meta' (what the manifests record)."""
    if channels not in (1, 3):
        raise DataError(f"--channels must be 1 or 3, got {channels}")
    is_idx = any(os.path.isfile(os.path.join(source, f"train-images-idx3-ubyte{z}")) for z in ("", ".gz"))
    if is_idx:
        if channels != 1:
            raise DataError(f"{source}: IDX files hold grey images; use --channels 1")
        xt, yt, pt = read_idx(source, "train")
        xh, yh, ph = read_idx(source, "t10k")
        split = {"kind": "files", "train": pt, "heldout": ph}
        classes = [str(i) for i in range(int(yt.max()) + 1)] if yt is not None else []
        if classes_file:
            with open(classes_file) as f:
                classes = [line.strip() for line in f if line.strip()]
    elif os.path.isdir(os.path.join(source, "train")) and os.path.isdir(os.path.join(source, "heldout")):
        xt, yt, classes, nt = read_png_folder(os.path.join(source, "train"), channels)
        xh, yh, classes_h, nh = read_png_folder(os.path.join(source, "heldout"), channels)
        if xh.shape[1:] != xt.shape[1:]:
            raise DataError(f"{os.path.join(source, 'heldout', nh[0])}: held-out images are {xh.shape[1:]}, "
                            f"training images {xt.shape[1:]}")
        if classes_h != classes:
            raise DataError(f"{os.path.join(source, 'heldout')}: label folders {classes_h} differ from train's {classes}")
        split = {"kind": "folders", "train": "train/", "heldout": "heldout/",
                 "heldout_files_sha256": hashlib.sha256("\n".join(nh).encode()).hexdigest()}
    else:
        x, y, classes, names = read_png_folder(source, channels)
        if not 0 < heldout_fraction < 1:
            raise DataError(f"--heldout-fraction must be in (0, 1), got {heldout_fraction}")
        order = np.random.default_rng(seed).permutation(len(x))
        k = max(1, int(round(len(x) * heldout_fraction)))
        if k >= len(x):
            raise DataError(f"{source}: {len(x)} images are too few to hold {k} out")
        held, train = np.sort(order[:k]), np.sort(order[k:])
        xt, xh = x[train], x[held]
        yt, yh = (y[train], y[held]) if y is not None else (None, None)
        split = {"kind": "random", "heldout_fraction": heldout_fraction, "seed": seed,
                 "heldout_files": [names[i] for i in held]}
    meta = {"source": os.path.abspath(source), "channels": int(xt.shape[1]), "height": int(xt.shape[2]),
            "width": int(xt.shape[3]), "train_images": len(xt), "heldout_images": len(xh),
            "classes": list(classes) if yt is not None else [], "split": split}
    return {"x_train": xt, "y_train": yt, "x_heldout": xh, "y_heldout": yh, "meta": meta}


def save(data, path):
    arrays = {k: v for k, v in data.items() if k != "meta" and v is not None}
    np.savez(path, meta=np.array(json.dumps(data["meta"])), **arrays)


class Prepared:
    """A prepared data set (the .npz of save) as [-1, 1] float tensors, in the form fmnist.load_split gives."""

    def __init__(self, path):
        with np.load(path, allow_pickle=False) as z:
            self.meta = json.loads(str(z["meta"]))
            self._arrays = {k: z[k] for k in z.files if k != "meta"}
        self.name = self.meta.get("name", os.path.basename(self.meta["source"].rstrip("/")))

    def split(self, which):
        """'train' or 'heldout' -> images (N, C, H, W) float32 in [-1, 1], labels (N,) int64 or None."""
        x = torch.from_numpy(self._arrays[f"x_{which}"].astype(np.float32) / 127.5 - 1.0)
        y = self._arrays.get(f"y_{which}")
        return x, (torch.from_numpy(y) if y is not None else None)

    def describe(self):
        """What a manifest records about the data and its split."""
        m = self.meta
        return {"source": m["source"], "train_images": m["train_images"], "heldout_images": m["heldout_images"],
                "split": {k: v for k, v in m["split"].items() if k != "heldout_files"}
                | ({"heldout_files": len(m["split"]["heldout_files"])} if "heldout_files" in m["split"] else {})}


def require_labels_for_classifier(meta):
    classes = meta["classes"]
    if len(classes) < 2:
        where = meta["source"]
        raise DataError(f"{where}: a classifier needs at least 2 labels (label sub-folders or IDX labels), found "
                        f"{len(classes)}{' (' + ', '.join(classes) + ')' if classes else ''}")
