#!/usr/bin/env python3
"""PyTorch baseline for phaseflow's global model: the same network, sampler and batch size as
the Java engine in global mode, timed in plain PyTorch. Prints one JSON line on stdout.

The network is models/training/nets.py UNet(ch=(32, 64, 128), blocks=2), a VP-cosine
v-prediction model, wrapped into the variance-exploding form exactly as the Java side does:
x_vp = x / sqrt(1 + s^2), t = the cosine-schedule time of s, x0 = (x_vp - s v) / sqrt(1 + s^2).
The sampler is Euler on the Karras schedule (rho 7): x <- x + (s' - s) / s * (x - x0).

Weights come from the zoo's ONNX file (--onnx), mapped onto the PyTorch UNet. Most ONNX
initializers keep their PyTorch names, but the GroupNorm scales and shifts become anonymous
constants ("onnx::Mul_1535", shape (C, 1, 1)). So a copy of the UNet with distinct random values
in every parameter is exported the same way (same torch, same code, same options as
models/training/fmnist.py export_onnx), and each of its initializers is matched by value to the
parameter it came from; the zoo file's initializers of the same names then load into those
parameters. The result is checked against the zoo's golden tensors (model.json "golden"), and the
script refuses to time a model that does not reproduce them. --checkpoint loads the training
checkpoint (key "ema") instead, where one exists.

  /usr/bin/python3 torch_global.py --onnx models/zoo/fashion-mnist/global-unet/model.onnx \
      --nets models/training --steps 32 --batch 64 --images 256 --threads 16
  /usr/bin/python3 torch_global.py --nets models/training --self-test
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

GOLDEN_TOLERANCE = 2e-3  # max |v| difference between ONNX Runtime's golden output and PyTorch


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--onnx", help="the zoo's global model (model.onnx beside its model.json)")
    p.add_argument("--checkpoint", help="a training checkpoint with key 'ema' (instead of --onnx)")
    p.add_argument("--nets", required=True, help="folder of nets.py and fmnist.py (models/training)")
    p.add_argument("--steps", type=int, default=32)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--images", type=int, default=256)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--sigma-min", type=float, default=0.002)
    p.add_argument("--sigma-max", type=float, default=80.0)
    p.add_argument("--rho", type=float, default=7.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--self-test", action="store_true",
                   help="check the ONNX-to-PyTorch mapping on a randomly initialised UNet and exit")
    return p.parse_args()


def make_wrapper(torch):
    class Wrapper(torch.nn.Module):
        """What the zoo's ONNX file holds (as train_denoiser.py's VPModel): x_vp, t -> v."""

        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x, t):
            return self.net(x, t)

    return Wrapper


def export(torch, model, path):
    """The export of models/training/fmnist.py export_onnx for a global model."""
    model.eval()
    x = torch.randn(2, 1, 28, 28)
    t = torch.rand(2)
    axes = {"x": {0: "n"}, "t": {0: "n"}, "v": {0: "n"}}
    torch.onnx.export(model, (x, t), path, input_names=["x", "t"], output_names=["v"], dynamic_axes=axes,
                      opset_version=17, do_constant_folding=True)


def name_map(torch, onnx, numpy_helper, make_unet):
    """ONNX initializer name -> state_dict key, learnt from an export with distinct random parameters."""
    Wrapper = make_wrapper(torch)
    torch.manual_seed(20240601)
    probe = Wrapper(make_unet())
    with torch.no_grad():
        for p in probe.parameters():
            p.copy_(torch.randn_like(p))
    by_value = {}
    for key, value in probe.state_dict().items():
        by_value[value.detach().float().numpy().tobytes()] = key
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.onnx")
        export(torch, probe, path)
        graph = onnx.load(path).graph
    mapping = {}
    for init in graph.initializer:
        array = numpy_helper.to_array(init)
        if array.dtype.kind != "f":
            continue
        key = by_value.get(array.astype("float32").reshape(-1).tobytes())
        if key is not None:
            mapping[init.name] = key
    missing = sorted(set(probe.state_dict()) - set(mapping.values()))
    if missing:
        raise RuntimeError(f"the probe export lost {len(missing)} parameters, e.g. {missing[:3]}")
    return mapping


def load_onnx_weights(torch, onnx, numpy_helper, make_unet, path):
    """A UNet holding the weights of an ONNX export of it."""
    mapping = name_map(torch, onnx, numpy_helper, make_unet)
    Wrapper = make_wrapper(torch)
    model = Wrapper(make_unet())
    state = model.state_dict()
    found = {}
    for init in onnx.load(path).graph.initializer:
        key = mapping.get(init.name)
        if key is not None:
            array = numpy_helper.to_array(init).astype("float32")
            if array.size != state[key].numel():
                raise RuntimeError(f"{path}: initializer {init.name} has {array.size} values, {key} needs {state[key].numel()}")
            found[key] = torch.from_numpy(array.copy()).reshape(state[key].shape)
    missing = sorted(set(state) - set(found))
    if missing:
        raise RuntimeError(f"{path}: {len(missing)} parameters not found by name (e.g. {missing[:3]}): "
                           "the file was not exported from nets.UNet(ch=(32, 64, 128), blocks=2) by this torch version")
    model.load_state_dict(found)
    return model.net.eval()


def golden_difference(torch, np, net, onnx_path):
    """Max |v_torch - v_golden| on the zoo's golden input, or None when the manifest has none."""
    manifest_path = os.path.join(os.path.dirname(onnx_path), "model.json")
    if not os.path.exists(manifest_path):
        return None
    with open(manifest_path) as f:
        manifest = json.load(f)
    golden = manifest.get("golden")
    if not golden:
        return None
    folder = os.path.dirname(onnx_path)
    x = torch.from_numpy(np.load(os.path.join(folder, golden["inputs"]["x"])))
    t = torch.from_numpy(np.load(os.path.join(folder, golden["inputs"]["t"])))
    v = torch.from_numpy(np.load(os.path.join(folder, golden["outputs"]["v"])))
    with torch.no_grad():
        return (net(x, t) - v).abs().max().item()


def karras(torch, n, sigma_min, sigma_max, rho):
    """The Java Schedules.karras: n sigmas uniform in sigma^(1/rho), then 0."""
    out = []
    a, b = sigma_max ** (1 / rho), sigma_min ** (1 / rho)
    for i in range(n):
        ramp = 0.0 if n == 1 else i / (n - 1)
        out.append((a + ramp * (b - a)) ** rho)
    return torch.tensor(out + [0.0], dtype=torch.float64)


def sample(torch, fmnist, net, n, sigmas, generator):
    """Euler on the probability-flow ODE in VE form, the model wrapped as on the Java side."""
    x = torch.randn((n, 1, 28, 28), generator=generator) * float(sigmas[0])
    for i in range(len(sigmas) - 1):
        s, s_next = float(sigmas[i]), float(sigmas[i + 1])
        sigma = torch.full((n,), s)
        x_vp = fmnist.ve_to_vp(x, sigma)
        v = net(x_vp, fmnist.sigma_to_t(sigma))
        x0 = fmnist.v_to_x0(x_vp, v, sigma)
        x = x + (s_next - s) / s * (x - x0)
    return x.clamp(-1, 1)


def self_test(torch, onnx, numpy_helper, make_unet):
    """Export a UNet with random weights, load it back through the name map, compare outputs."""
    Wrapper = make_wrapper(torch)
    torch.manual_seed(7)
    original = Wrapper(make_unet())
    with torch.no_grad():
        for p in original.parameters():
            p.add_(0.05 * torch.randn_like(p))  # GroupNorm weights differ from 1, as after training
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.onnx")
        export(torch, original, path)
        loaded = load_onnx_weights(torch, onnx, numpy_helper, make_unet, path)
    x, t = torch.randn(3, 1, 28, 28), torch.rand(3)
    with torch.no_grad():
        diff = (loaded(x, t) - original.net.eval()(x, t)).abs().max().item()
    return {"self_test": "ok" if diff == 0 else "failed", "max_abs_diff": diff}


def main():
    args = parse_args()
    try:
        import numpy as np
        import torch
        sys.path.insert(0, os.path.abspath(args.nets))
        import fmnist
        from nets import UNet
    except ImportError as e:
        print(json.dumps({"error": f"cannot import the baseline's modules: {e}"}))
        return 2
    torch.set_num_threads(args.threads)
    make_unet = lambda: UNet(ch=(32, 64, 128), blocks=2)  # noqa: E731 (train_denoiser.py ARCHS["global"])
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as e:
        onnx = numpy_helper = None
        if args.self_test or not args.checkpoint:
            print(json.dumps({"error": f"python3-onnx is needed to read the ONNX weights: {e}"}))
            return 2
    if args.self_test:
        result = self_test(torch, onnx, numpy_helper, make_unet)
        print(json.dumps(result))
        return 0 if result["self_test"] == "ok" else 1

    verified = None
    if args.checkpoint:
        net = make_unet()
        net.load_state_dict(torch.load(args.checkpoint, map_location="cpu")["ema"])
        net.eval()
        weights = "checkpoint " + args.checkpoint
    elif args.onnx:
        try:
            net = load_onnx_weights(torch, onnx, numpy_helper, make_unet, args.onnx)
        except RuntimeError as e:
            print(json.dumps({"error": str(e)}))
            return 2
        weights = "onnx " + args.onnx
        verified = golden_difference(torch, np, net, args.onnx)
        if verified is not None and not verified <= GOLDEN_TOLERANCE:
            print(json.dumps({"error": f"the mapped weights miss the zoo's golden output by {verified:.3g} "
                                       f"(tolerance {GOLDEN_TOLERANCE}); refusing to time a different model"}))
            return 2
    else:
        print(json.dumps({"error": "give --onnx or --checkpoint"}))
        return 2

    sigmas = karras(torch, args.steps, args.sigma_min, args.sigma_max, args.rho)
    generator = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        sample(torch, fmnist, net, min(args.batch, args.images), sigmas[-3:], generator)  # warm-up, 2 steps
        batches = math.ceil(args.images / args.batch)
        start = time.perf_counter()
        finite = True
        for b in range(batches):
            n = min(args.batch, args.images - b * args.batch)
            finite &= bool(torch.isfinite(sample(torch, fmnist, net, n, sigmas, generator)).all())
        seconds = time.perf_counter() - start
    print(json.dumps({
        "images_per_second": args.images / seconds,
        "images": args.images, "batch": args.batch, "steps": args.steps, "threads": args.threads,
        "seconds": seconds, "solver": "euler", "schedule": "karras", "sigma_min": args.sigma_min,
        "sigma_max": args.sigma_max, "weights": weights, "golden_max_abs_diff": verified,
        "finite": finite, "torch": torch.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
