"""Shared helpers for the zoo's training scripts: data, the VP-cosine noise convention,
ONNX export, golden tensors and manifests."""
import gzip
import hashlib
import json
import math
import os

import numpy as np
import torch

DATA_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
ZOO_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "zoo", "fashion-mnist"))
COSINE_S = 0.008
SIGMA_MIN, SIGMA_MAX = 0.002, 80.0
# sigma grid of the x0-error table that every denoiser reports
EVAL_SIGMAS = [0.02, 0.05, 0.1, 0.17, 0.3, 0.52, 1.0, 2.0, 4.0, 8.0, 20.0, 80.0]


def load_split(split):
    """Images in [-1, 1] as float32 (N, 1, 28, 28) and labels (N,) for 'train' or 't10k'."""
    with gzip.open(os.path.join(DATA_DIR, f"{split}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(DATA_DIR, f"{split}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0), torch.from_numpy(labels.astype(np.int64))


def alpha_bar(t):
    c0 = math.cos(COSINE_S / (1 + COSINE_S) * math.pi / 2)
    return torch.cos((t + COSINE_S) / (1 + COSINE_S) * math.pi / 2) ** 2 / c0 ** 2


def sigma_to_t(sigma):
    """Inverse of the cosine schedule: ab = 1 / (1 + sigma^2)."""
    sigma = torch.as_tensor(sigma, dtype=torch.float64)
    c0 = math.cos(COSINE_S / (1 + COSINE_S) * math.pi / 2)
    root_ab = 1.0 / torch.sqrt(1.0 + sigma ** 2)
    return ((1 + COSINE_S) * (2 / math.pi) * torch.acos(torch.clamp(root_ab * c0, max=1.0)) - COSINE_S).float()


def ve_to_vp(x, sigma):
    """VE noisy image x = x0 + sigma*eps -> the VP model input x / sqrt(1 + sigma^2)."""
    return x / torch.sqrt(1 + sigma ** 2)[:, None, None, None]


def v_to_x0(x_vp, v, sigma):
    s = sigma[:, None, None, None]
    return (x_vp - s * v) / torch.sqrt(1 + s ** 2)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(model, args, path, input_names, output_names, dynamic_axes):
    model.eval()
    torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=17, do_constant_folding=True)


def save_golden(folder, inputs, outputs):
    """Golden tensors as .npy (little-endian float32), read back by the Java tests."""
    os.makedirs(os.path.join(folder, "golden"), exist_ok=True)
    names = {}
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for name, tensor in tensors.items():
            file = f"golden/{kind}_{name}.npy"
            np.save(os.path.join(folder, file), tensor.detach().numpy().astype("<f4"))
            names.setdefault(kind + "s", {})[name] = file
    return names


def write_manifest(folder, manifest):
    manifest["sha256"] = sha256(os.path.join(folder, manifest["file"]))
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def karras_sigmas(n, sigma_min=SIGMA_MIN, sigma_max=SIGMA_MAX, rho=7.0):
    ramp = torch.linspace(0, 1, n)
    s = (sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return torch.cat([s, torch.zeros(1)])


@torch.no_grad()
def heun_sample(denoise, n, steps=30, seed=0, shape=(1, 28, 28)):
    """EDM Heun sampler on D(x; sigma) for the sample grid of training.png."""
    g = torch.Generator().manual_seed(seed)
    sigmas = karras_sigmas(steps)
    x = torch.randn((n,) + shape, generator=g) * sigmas[0]
    for i in range(steps):
        s, s_next = sigmas[i], sigmas[i + 1]
        d = (x - denoise(x, s.expand(n))) / s
        x_next = x + (s_next - s) * d
        if s_next > 0:
            d2 = (x_next - denoise(x_next, s_next.expand(n))) / s_next
            x_next = x + (s_next - s) * (d + d2) / 2
        x = x_next
    return x.clamp(-1, 1)
