"""Train one denoiser of the zoo (VP cosine, v-prediction) and export it with its manifest.

  /usr/bin/python3 train_denoiser.py --arch global --steps 4500 --batch 64 --seed 1
"""
import argparse
import json
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch

import fmnist
import zoo_data
from nets import LocalNet, UNet, local_input

ARCHS = {
    # name in the zoo, role, constructor (of the image channels)
    "global": ("global-unet", "global", lambda c=1: UNet(ch=(32, 64, 128), blocks=2, channels=c)),
    "local-r4": ("local-r4", "local", lambda c=1: LocalNet(width=32, dilations=(1, 1, 1, 1), mlp=96, channels=c)),
    "local-r8": ("local-r8", "local", lambda c=1: LocalNet(width=32, dilations=(1, 1, 2, 2, 2), mlp=96, channels=c)),
    # the cascade of sizes (routing by sample quality): each trained only on the sigma range it serves
    "unet-s": ("global-unet-s", "global", lambda c=1: UNet(ch=(16, 32, 64), blocks=1, channels=c)),
    "unet-xs": ("global-unet-xs", "global", lambda c=1: UNet(ch=(8, 16, 32), blocks=1, channels=c)),
    "local-r6": ("local-r6", "local", lambda c=1: LocalNet(width=28, dilations=(1,) * 6, mlp=96, channels=c)),
}


class VPModel(torch.nn.Module):
    """What the ONNX file holds: x_vp (and for local models the coordinate channels) and t -> v."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, t):
        return self.net(x, t)


def model_input(net, x_vp):
    return local_input(x_vp, net.radius) if isinstance(net, LocalNet) else x_vp


def x0_estimate(net, x_ve, sigma):
    x_vp = fmnist.ve_to_vp(x_ve, sigma)
    v = net(model_input(net, x_vp), fmnist.sigma_to_t(sigma))
    return fmnist.v_to_x0(x_vp, v, sigma)


@torch.no_grad()
def x0_errors(net, images, sigmas, seed=123, batch=250):
    """Mean squared x0 error per pixel on held-out images at each sigma (fixed noise)."""
    net.eval()
    g = torch.Generator().manual_seed(seed)
    out = {}
    for sigma in sigmas:
        total = 0.0
        for i in range(0, len(images), batch):
            x0 = images[i:i + batch]
            s = torch.full((len(x0),), float(sigma))
            x = x0 + s[:, None, None, None] * torch.randn(x0.shape, generator=g)
            total += (x0_estimate(net, x, s) - x0).pow(2).sum().item()
        out[str(sigma)] = total / images.numel()
    net.train()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=ARCHS, required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=4e-4)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--stop-at", type=int, help="stop (checkpointed, not exported) after this step; a later run "
                   "with another --steps resumes from there, as the shipped cascade models were trained")
    p.add_argument("--sigma-range", type=float, nargs=2, metavar=("LO", "HI"),
                   help="train only on sigma in [LO, HI] (t uniform between their times): a model that "
                        "serves part of the schedule spends its capacity there")
    p.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "out"))
    p.add_argument("--data", help="a data set prepared by zoo_data.py (train_zoo.py makes it); default Fashion-MNIST")
    p.add_argument("--zoo", default=fmnist.ZOO_DIR, help="zoo folder to export into (default the Fashion-MNIST zoo)")
    p.add_argument("--name", help="model name in the zoo (default the arch's)")
    p.add_argument("--init-onnx", metavar="MODEL_ONNX",
                   help="start from the weights of an exported model of the same arch (a specialist fine-tuned from a "
                        "generalist); ignored when resuming a checkpoint")
    p.add_argument("--export-only", action="store_true",
                   help="export the latest checkpoint (EMA weights) without training further")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    name, role, make_net = ARCHS[args.arch]
    name = args.name or name
    train, test, data = load_data(args.data)
    make = lambda: make_net(train.shape[1])
    net = make()
    ema = make()
    ema.load_state_dict(net.state_dict())
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=0.0)
    warmup = max(1, min(250, args.steps // 20))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: min(1.0, (k + 1) / warmup) * 0.5 * (1 + torch.cos(torch.tensor(k / args.steps * 3.14159265)).item()))
    os.makedirs(args.work, exist_ok=True)
    ckpt = os.path.join(args.work, f"{name}.pt")
    log = {"loss": [], "eval": []}
    start_step, seconds = 0, 0.0
    g = torch.Generator().manual_seed(args.seed)
    if os.path.exists(ckpt):  # resume an interrupted run
        state = torch.load(ckpt)
        net.load_state_dict(state["net"]); ema.load_state_dict(state["ema"]); opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"]); g.set_state(state["rng"]); torch.set_rng_state(state["torch_rng"])
        log, start_step, seconds = state["log"], state["step"], state["seconds"]
        print(f"resumed {name} at step {start_step}", flush=True)
    elif args.init_onnx:
        load_onnx_weights(net, args.init_onnx)
        ema.load_state_dict(net.state_dict())
        print(f"{name}: initialised from {args.init_onnx}", flush=True)
    if args.export_only:
        if start_step == 0:
            raise SystemExit(f"no checkpoint {ckpt} to export")
        export(name, role, ema, log, args, seconds, test, start_step, data)
        return
    lo, hi = args.sigma_range or (0.0, fmnist.SIGMA_MAX)
    t_lo = fmnist.sigma_to_t(torch.tensor(lo)).item() if lo > 0 else 0.0
    t_hi = fmnist.sigma_to_t(torch.tensor(hi)).item()
    perm, pos = torch.randperm(len(train), generator=g), 0
    for _ in range(start_step * args.batch // len(train)):
        perm = torch.randperm(len(train), generator=g)
    pos = (start_step * args.batch) % len(train)
    tick, running = time.time(), 0.0
    for step in range(start_step, args.steps):
        if pos + args.batch > len(train):
            perm, pos = torch.randperm(len(train), generator=g), 0
        x0 = train[perm[pos:pos + args.batch]]
        pos += args.batch
        t = t_lo + torch.rand(args.batch, generator=g) * (t_hi - t_lo)
        ab = fmnist.alpha_bar(t)[:, None, None, None]
        eps = torch.randn(x0.shape, generator=g)
        x_vp = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        v = ab.sqrt() * eps - (1 - ab).sqrt() * x0
        loss = (net(model_input(net, x_vp), t) - v).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        with torch.no_grad():
            decay = min(args.ema, (1 + step) / (10 + step))
            for pe, pn in zip(ema.parameters(), net.parameters()):
                pe.mul_(decay).add_(pn, alpha=1 - decay)
        running += loss.item()
        if (step + 1) % 50 == 0:
            log["loss"].append([step + 1, running / 50])
            running = 0.0
        if (step + 1) % args.eval_every == 0 or step + 1 == args.steps:
            seconds += time.time() - tick
            errs = x0_errors(ema, test[:256], [s for s in (0.05, 0.17, 0.3, 0.52, 2.0, 10.0) if lo <= s <= hi] or [hi])
            log["eval"].append([step + 1, errs])
            last = log["loss"][-1][1] if log["loss"] else float("nan")
            print(f"{name} step {step + 1}/{args.steps} loss {last:.4f} "
                  f"{seconds / 60:.1f} min x0-mse {json.dumps({k: round(v, 5) for k, v in errs.items()})}", flush=True)
            torch.save({"net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                        "sched": sched.state_dict(), "rng": g.get_state(), "torch_rng": torch.get_rng_state(),
                        "log": log, "step": step + 1, "seconds": seconds}, ckpt)
            tick = time.time()
            if args.stop_at and step + 1 >= args.stop_at:
                print(f"{name}: stopped at step {step + 1} (--stop-at)", flush=True)
                return
    export(name, role, ema, log, args, seconds, test, args.steps, data)


def load_onnx_weights(net, path):
    """The weights of an exported VPModel back into its net. torch's export keeps parameter names, except that
    GroupNorm's affine weight and bias become anonymous initialisers of the norm's Mul and Add nodes."""
    import onnx
    from onnx import numpy_helper
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    names = dict(inits)
    for node in graph.node:
        if node.op_type in ("Mul", "Add") and node.name.startswith("/net/"):
            anonymous = [i for i in node.input if i.startswith("onnx::") and i in inits]
            if anonymous and node.name.rsplit("/", 1)[-1] in ("Mul", "Add"):
                path_ = node.name[1:].rsplit("/", 1)[0].replace("/", ".")
                names[path_ + (".weight" if node.op_type == "Mul" else ".bias")] = inits[anonymous[0]]
    state = VPModel(net).state_dict()
    missing = [k for k in state if k not in names]
    if missing:
        raise SystemExit(f"--init-onnx {path}: no weights for {missing[:5]} (not the same arch?)")
    VPModel(net).load_state_dict({k: torch.from_numpy(names[k].copy()).reshape(state[k].shape) for k in state})


def load_data(path):
    """Training and held-out images: Fashion-MNIST's train and t10k splits, or a prepared data set."""
    if path is None:
        train, _ = fmnist.load_split("train")
        test, _ = fmnist.load_split("t10k")
        return train, test, None
    data = zoo_data.Prepared(path)
    return data.split("train")[0], data.split("heldout")[0], data


def export(name, role, net, log, args, seconds, test, steps, data=None):
    folder = os.path.join(args.zoo, name)
    c, h, w = test.shape[1:]
    os.makedirs(folder, exist_ok=True)
    net.eval()
    errors = x0_errors(net, test[:2000], fmnist.EVAL_SIGMAS)
    g = torch.Generator().manual_seed(7)
    n = 4
    sigma = torch.tensor([0.05, 0.5, 3.0, 40.0])
    x_vp = fmnist.ve_to_vp(test[:n] + sigma[:, None, None, None] * torch.randn(n, c, h, w, generator=g), sigma)
    local = isinstance(net, LocalNet)
    if local:  # golden input on a non-square image too, to pin the coordinate convention
        x_vp = torch.nn.functional.pad(x_vp, (0, 0, 0, 5))[:, :, :, :19]
    x_in, t_in = model_input(net, x_vp), fmnist.sigma_to_t(sigma)
    with torch.no_grad():
        v_out = net(x_in, t_in)
    model = VPModel(net)
    axes = {"x": {0: "n"}, "t": {0: "n"}, "v": {0: "n"}}
    if local:
        axes = {"x": {0: "n", 2: "h", 3: "w"}, "t": {0: "n"}, "v": {0: "n", 2: "h", 3: "w"}}
    fmnist.export_onnx(model, (x_in, t_in), os.path.join(folder, "model.onnx"), ["x", "t"], ["v"], axes)
    golden = fmnist.save_golden(folder, {"x": x_in, "t": t_in}, {"v": v_out})
    params = sum(p.numel() for p in net.parameters())
    low = f"{h // 2 ** (len(net.channels) - 1)}x{w // 2 ** (len(net.channels) - 1)}" if not local else ""
    desc = (f"UNet with self-attention at {low}" if not local else
            f"fully convolutional, valid 3x3 convolutions (dilations {list(net_dilations(net))}), "
            "coordinate input channels, no spatial normalisation")
    if not local and hasattr(net, "channels"):
        desc = f"UNet {'/'.join(map(str, net.channels))} channels, {net.blocks} res block(s) per level, self-attention at {low}"
    manifest = {
        "name": name,
        "role": role,
        "description": desc,
        "file": "model.onnx",
        "dataset": data.name if data else "fashion-mnist",
        "image": {"channels": c, "height": h, "width": w, "range": [-1.0, 1.0]},
        "inputs": [{"name": "x", "shape": [-1, c + 2, -1, -1] if local else [-1, c, h, w]},
                   {"name": "t", "shape": [-1]}],
        "outputs": [{"name": "v", "shape": [-1, c, -1, -1] if local else [-1, c, h, w]}],
        "parameterisation": "v",
        "noise": {"convention": "vp-cosine", "s": fmnist.COSINE_S, "t_range": [0.0, 1.0],
                  "sigma_min": fmnist.SIGMA_MIN, "sigma_max": fmnist.SIGMA_MAX},
        "parameters": params,
        "training": {"steps": steps, "batch": args.batch, "lr": args.lr, "ema": args.ema,
                     "seed": args.seed, "threads": args.threads, "seconds": round(seconds, 1),
                     "sigma_range": list(args.sigma_range) if args.sigma_range else [0.0, fmnist.SIGMA_MAX],
                     "final_loss": log["loss"][-1][1] if log["loss"] else None,
                     "loss": "mse on v (x0-weighted by (1+sigma^2)/sigma^2)"},
        "x0_mse": {"images": min(2000, len(test)), "split": "heldout" if data else "t10k", "by_sigma": errors},
        "golden": golden,
    }
    if data:
        manifest["data"] = data.describe()
    if local:
        manifest["receptive_radius"] = net.radius
        manifest["padding"] = {"x": 0.0, "coordinates": "linear"}
    fmnist.write_manifest(folder, manifest)
    plot(folder, name, net, log, (c, h, w))
    print(json.dumps({"model": name, "x0_mse": errors}), flush=True)


def net_dilations(net):
    return [c.dilation[0] for c in net.convs]


def plot(folder, name, net, log, shape=(1, 28, 28)):
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), gridspec_kw={"width_ratios": [1.2, 1.2, 1]})
    steps, losses = zip(*log["loss"])
    axes[0].plot(steps, losses)
    axes[0].set_yscale("log"); axes[0].set_xlabel("step"); axes[0].set_title(f"{name}: training loss (v mse)")
    for sigma in log["eval"][0][1]:
        axes[1].plot([e[0] for e in log["eval"]], [e[1][sigma] for e in log["eval"]], label=f"sigma {sigma}")
    axes[1].set_yscale("log"); axes[1].set_xlabel("step"); axes[1].set_title("held-out x0 mse (EMA)"); axes[1].legend(fontsize=7)
    c, h, w = shape
    samples = fmnist.heun_sample(lambda x, s: x0_estimate(net, x, s), 36, steps=30, seed=0, shape=shape)
    grid = samples.reshape(6, 6, c, h, w).permute(0, 3, 1, 4, 2).reshape(6 * h, 6 * w, c)
    axes[2].imshow(grid.numpy()[:, :, 0] if c == 1 else (grid.numpy() + 1) / 2, cmap="gray", vmin=-1, vmax=1)
    axes[2].axis("off")
    axes[2].set_title("samples (Heun, 30 steps, alone)")
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "training.png"), dpi=70)


if __name__ == "__main__":
    main()
