"""Trains a whole model zoo from a data set: gaussian, local model(s), global UNet, and a classifier
when the data has labels. One entry point for every zoo; Fashion-MNIST's shipped zoo is the preset.

  # your data: a folder of PNGs (labels from sub-folder names, optional; DIR/train + DIR/heldout for a
  # given split) or IDX files; any H x W (divisible by 4), 1 or 3 channels
  /usr/bin/python3 train_zoo.py --data DIR --zoo ../zoo/mine --channels 3 [--heldout-fraction 0.1 --seed 0]
        [--parts gaussian,local,global,classifier] [--global-arch global --global-steps 4500]
        [--local-arch local-r4 --local-steps 12000] [--classifier-epochs 6] [--gaussian-form auto --rank 256]
  # the shipped Fashion-MNIST zoo, with its seeds and settings (what train.sh runs)
  /usr/bin/python3 train_zoo.py --preset fashion-mnist [PART]

The data set is read and split once into <zoo>/../../training/out/<zoo name>/data.npz (or --work); the split
(which files are held out) goes into <zoo>/dataset.json, a summary into every model.json ("data").
Then calibrate: ./phaseflow calibrate --zoo <zoo>.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable

# Fashion-MNIST's shipped zoo: the exact commands (seeds, steps, threads) that made models/zoo/fashion-mnist
FASHION_MNIST = [
    ("gaussian", ["build_gaussian.py"]),
    ("classifier", ["train_classifier.py", "--epochs", "6", "--seed", "3", "--threads", "1"]),
    ("global", ["train_denoiser.py", "--arch", "global", "--steps", "4500", "--batch", "64", "--seed", "1",
                "--threads", "2", "--eval-every", "500"]),
    ("local-r4", ["train_denoiser.py", "--arch", "local-r4", "--steps", "12000", "--batch", "128", "--lr", "1e-3",
                  "--seed", "2", "--threads", "2", "--eval-every", "1000"]),
    # the cascade for routing by sample quality: each trained only on the sigma range it serves. unet-s and
    # local-r6 were planned longer; their first 1000 steps ran on the longer cosine schedule, then they were
    # resumed with the shorter one when the shared cores turned out slower: the --stop-at pair replays that exactly
    ("unet-s", ["train_denoiser.py", "--arch", "unet-s", "--steps", "7000", "--stop-at", "1000", "--batch", "64",
                "--lr", "1e-3", "--sigma-range", "0.1", "15", "--seed", "4", "--threads", "1", "--eval-every", "1000"]),
    ("unet-s", ["train_denoiser.py", "--arch", "unet-s", "--steps", "4500", "--batch", "64", "--lr", "1e-3",
                "--sigma-range", "0.1", "15", "--seed", "4", "--threads", "1", "--eval-every", "500"]),
    ("local-r6", ["train_denoiser.py", "--arch", "local-r6", "--steps", "8000", "--stop-at", "1000", "--batch", "64",
                  "--lr", "1e-3", "--sigma-range", "0.02", "1.5", "--seed", "5", "--threads", "1", "--eval-every", "1000"]),
    ("local-r6", ["train_denoiser.py", "--arch", "local-r6", "--steps", "4000", "--batch", "64", "--lr", "1e-3",
                  "--sigma-range", "0.02", "1.5", "--seed", "5", "--threads", "1", "--eval-every", "1000"]),
    ("unet-xs", ["train_denoiser.py", "--arch", "unet-xs", "--steps", "2500", "--batch", "64", "--lr", "1e-3",
                 "--sigma-range", "1.5", "20", "--seed", "6", "--threads", "1", "--eval-every", "500"]),
    # specialists of the window's core, fine-tuned from the generalists above on the sigma range they serve
    ("unet-s-core", ["train_denoiser.py", "--arch", "unet-s", "--name", "global-unet-s-core", "--init-onnx",
                     "../zoo/fashion-mnist/global-unet-s/model.onnx", "--steps", "6000", "--batch", "64", "--lr", "5e-4",
                     "--sigma-range", "0.1", "3.0", "--seed", "7", "--threads", "1", "--eval-every", "500"]),
    ("local-r4-core", ["train_denoiser.py", "--arch", "local-r4", "--name", "local-r4-core", "--init-onnx",
                       "../zoo/fashion-mnist/local-r4/model.onnx", "--steps", "4000", "--batch", "128", "--lr", "5e-4",
                       "--sigma-range", "0.002", "0.8", "--seed", "8", "--threads", "1", "--eval-every", "500"]),
    ("fixtures", ["make_test_fixtures.py"]),
    ("size-fixtures", ["make_size_fixtures.py"]),
]
PRESETS = {"fashion-mnist": FASHION_MNIST}


def run(cmd, dry_run):
    print("+ " + " ".join(cmd), flush=True)
    if not dry_run:
        env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")  # OpenMP threads sleep when the machine is shared
        if subprocess.run([PY] + cmd, cwd=HERE, env=env).returncode != 0:
            raise SystemExit(f"train_zoo: step failed: {' '.join(cmd)}")


def preset(name, part, dry_run):
    steps = PRESETS[name]
    if part != "all" and part not in dict(steps):
        raise SystemExit(f"--preset {name}: unknown part '{part}' (have {', '.join(p for p, _ in steps)})")
    for p, cmd in steps:
        if part in ("all", p):
            run(cmd, dry_run)


def plan(args, meta, data_file):
    """The commands that build the zoo from a prepared data set."""
    parts = args.parts.split(",")
    unknown = set(parts) - {"gaussian", "local", "global", "classifier"}
    if unknown:
        raise SystemExit(f"--parts: unknown {sorted(unknown)} (gaussian, local, global, classifier)")
    common = ["--data", data_file, "--zoo", args.zoo, "--threads", str(args.threads)]
    cmds = []
    if "gaussian" in parts:
        cmds.append(["-c", "import sys, train_zoo; train_zoo.build_gaussian(*sys.argv[1:])", data_file, args.zoo,
                     args.gaussian_form, str(args.rank)])
    if "local" in parts:
        cmds.append(["train_denoiser.py", "--arch", args.local_arch, "--steps", str(args.local_steps), "--batch",
                     str(args.local_batch), "--lr", "1e-3", "--seed", str(args.seed + 2), "--eval-every",
                     str(max(1, args.local_steps // 12)), "--work", args.work] + common)
    if "global" in parts:
        cmds.append(["train_denoiser.py", "--arch", args.global_arch, "--steps", str(args.global_steps), "--batch",
                     str(args.global_batch), "--seed", str(args.seed + 1), "--eval-every",
                     str(max(1, args.global_steps // 9)), "--work", args.work] + common)
    if "classifier" in parts:
        if len(meta["classes"]) < 2:  # asked for explicitly, main() has already refused
            print(f"no classifier: {meta['source']} has {len(meta['classes'])} label(s)", flush=True)
        else:
            batch = min(args.classifier_batch, meta["train_images"])
            cmds.append(["train_classifier.py", "--epochs", str(args.classifier_epochs), "--seed", str(args.seed + 3),
                         "--batch", str(batch)]
                        + (["--no-flip"] if not args.flip else []) + common)
    return cmds


def write_heldout_pngs(data, folder, limit):
    """The first held-out images as PNGs (in label folders when labelled): what phaseflow calibrate and the
    load test's quality measures read from <zoo>/heldout, as the Fashion-MNIST zoo ships its test subset."""
    import numpy as np
    from PIL import Image
    # a seeded shuffle, so the first images that calibration takes mix every label
    pick = np.random.default_rng(0).permutation(len(data["x_heldout"]))[:limit]
    x, y, classes = data["x_heldout"][pick], data["y_heldout"], data["meta"]["classes"]
    y = y[pick] if y is not None else None
    if y is not None and len(set(y.tolist())) != len(classes):
        raise SystemExit(f"train_zoo: --heldout-pngs {limit} leaves out some labels; label folders would be "
                         "numbered differently (take more)")
    for i, image in enumerate(x):
        sub = os.path.join(folder, classes[y[i]]) if y is not None else folder
        os.makedirs(sub, exist_ok=True)
        pixels = image[0] if image.shape[0] == 1 else image.transpose(1, 2, 0)
        Image.fromarray(pixels).save(os.path.join(sub, f"{i:05d}.png"), optimize=True)


def build_gaussian(data_file, zoo, form, rank):
    import gaussian_forms
    import zoo_data
    data = zoo_data.Prepared(data_file)
    train, test = data.split("train")[0], data.split("heldout")[0]
    chosen = gaussian_forms.choose_form(tuple(train.shape[1:]), form, int(rank))
    gaussian_forms.build_zoo_model(os.path.join(zoo, "gaussian"), train, test, dataset=data.name, form=chosen,
                                   rank=int(rank), split="heldout", data=data.describe())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("part", nargs="?", default="all", help="with --preset: one part only")
    p.add_argument("--preset", choices=PRESETS, help="a shipped zoo's exact settings")
    p.add_argument("--data", help="a folder of PNGs (labels from sub-folders) or of IDX files")
    p.add_argument("--zoo", help="the zoo folder to write (e.g. ../zoo/letters)")
    p.add_argument("--name", help="data set name in the manifests (default the data folder's name)")
    p.add_argument("--channels", type=int, default=1, choices=(1, 3))
    p.add_argument("--heldout-fraction", type=float, default=0.1, help="random split (when DIR has no train/ and heldout/)")
    p.add_argument("--seed", type=int, default=0, help="split seed; model seeds are seed+1 (global), +2 (local), +3 (classifier)")
    p.add_argument("--parts", default="gaussian,local,global,classifier")
    p.add_argument("--global-arch", default="global")
    p.add_argument("--global-steps", type=int, default=4500)
    p.add_argument("--global-batch", type=int, default=64)
    p.add_argument("--local-arch", default="local-r4")
    p.add_argument("--local-steps", type=int, default=12000)
    p.add_argument("--local-batch", type=int, default=128)
    p.add_argument("--classifier-epochs", type=int, default=6)
    p.add_argument("--classifier-batch", type=int, default=128)
    p.add_argument("--flip", action=argparse.BooleanOptionalAction, default=False,
                   help="mirror augmentation for the classifier (on for garments, off for letters; default off)")
    p.add_argument("--gaussian-form", default="auto", choices=("auto", "full", "lowrank", "stationary"))
    p.add_argument("--rank", type=int, default=256, help="lowrank: eigenpairs kept")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--heldout-pngs", type=int, default=2000, help="held-out images written to <zoo>/heldout")
    p.add_argument("--classes-file", help="IDX data: class names, one a line")
    p.add_argument("--work", help="where the prepared data set and checkpoints go (default training/out/<zoo name>)")
    p.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = p.parse_args()
    args.parts_given = "--parts" in sys.argv
    if args.preset:
        preset(args.preset, args.part, args.dry_run)
        return
    if not args.data or not args.zoo:
        p.error("--data and --zoo are required (or --preset)")
    sys.path.insert(0, HERE)
    import zoo_data
    args.zoo = os.path.abspath(args.zoo)
    args.work = os.path.abspath(args.work or os.path.join(HERE, "out", os.path.basename(args.zoo)))
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.zoo, exist_ok=True)
    start = time.time()
    try:
        data = zoo_data.prepare(args.data, args.channels, args.heldout_fraction, args.seed, args.classes_file)
        c, h, w = data["x_train"].shape[1:]
        if h % 4 or w % 4:
            raise zoo_data.DataError(f"{args.data}: images are {w}x{h}; the UNet and classifier need H and W "
                                     "divisible by 4")
        data["meta"]["name"] = args.name or os.path.basename(os.path.abspath(args.data).rstrip("/"))
        if "classifier" in args.parts.split(",") and args.parts_given:
            zoo_data.require_labels_for_classifier(data["meta"])
    except zoo_data.DataError as e:
        raise SystemExit(f"train_zoo: {e}")
    data_file = os.path.join(args.work, "data.npz")
    zoo_data.save(data, data_file)
    with open(os.path.join(args.zoo, "dataset.json"), "w") as f:
        json.dump(data["meta"], f, indent=1)
        f.write("\n")
    m = data["meta"]
    write_heldout_pngs(data, os.path.join(args.zoo, "heldout"), args.heldout_pngs)
    print(f"data: {m['train_images']} training and {m['heldout_images']} held-out images of {c}x{h}x{w}, "
          f"{len(m['classes'])} labels ({m['split']['kind']} split) in {time.time() - start:.1f} s", flush=True)
    for cmd in plan(args, m, data_file):
        run(cmd, args.dry_run)
    print(f"zoo written to {args.zoo} in {time.time() - start:.0f} s; now calibrate: ./phaseflow calibrate --zoo {args.zoo}")


if __name__ == "__main__":
    main()
