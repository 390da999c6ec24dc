"""Tiny untrained fixtures for images other than 28x28 grey (models/src/test/resources/fixtures):

  diffusers-eps-linear/  a diffusers-style UNet (eps prediction, linear-beta VP, inputs 'sample' and
                         'timestep', output 'noise_pred'), 3x32x32, ONNX file only: the tests import it
                         with `phaseflow models import`; reference/ holds PyTorch's output on one input
  zoo-rgb32/             a zoo at 3x32x32: that UNet as global model, a local model of radius 2 and a
                         router.json, for tiling and engine tests at another size and channel count

Deterministic (seeded, one thread); untrained weights: these only pin shapes, conventions and exactness.

  /usr/bin/python3 make_size_fixtures.py
"""
import json
import os
import shutil

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import fmnist
from nets import LocalNet, ResBlock, local_input, timestep_embedding

OUT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures"))
C, H, W = 3, 32, 32
BETA_MIN, BETA_MAX = 0.1, 20.0


class TinyDiffusersUNet(nn.Module):
    """The shape of diffusers' UNet2DModel in miniature: conv_in, a sinusoidal time embedding of
    timesteps in [0, 1000), one down and one up level with a skip connection, conv_out; predicts eps.
    Its ONNX input 'timestep' is phaseflow's continuous linear-beta time t in [0, 1] (scaled by 1000
    inside, as a wrapper around a real diffusers model does)."""

    def __init__(self, ch=8, temb=16):
        super().__init__()
        self.temb_dim = temb
        self.time_mlp = nn.Sequential(nn.Linear(temb, 2 * temb), nn.SiLU(), nn.Linear(2 * temb, 2 * temb))
        self.conv_in = nn.Conv2d(C, ch, 3, padding=1)
        self.down = ResBlock(ch, ch, 2 * temb)
        self.downsample = nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1)
        self.mid = ResBlock(2 * ch, 2 * ch, 2 * temb)
        self.up = ResBlock(3 * ch, ch, 2 * temb)
        self.norm_out = nn.GroupNorm(8, ch)
        self.conv_out = nn.Conv2d(ch, C, 3, padding=1)

    def forward(self, sample, timestep):
        emb = self.time_mlp(timestep_embedding(timestep, self.temb_dim))  # timestep_embedding scales t by 1000
        h0 = self.down(self.conv_in(sample), emb)
        h = self.mid(self.downsample(h0), emb)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.up(torch.cat([h, h0], 1), emb)
        return self.conv_out(F.silu(self.norm_out(h)))


def linear_beta_t(sigma):
    """Continuous linear-beta time of sigma: -log ab = b0 t + (b1 - b0) t^2 / 2, ab = 1 / (1 + sigma^2)."""
    target = np.log1p(sigma ** 2)
    half = (BETA_MAX - BETA_MIN) / 2
    return (-BETA_MIN + np.sqrt(BETA_MIN ** 2 + 4 * half * target)) / (2 * half)


def export_unet(net, folder, x_name, t_name, out_name):
    os.makedirs(folder, exist_ok=True)
    x = torch.randn(2, C, H, W)
    t = torch.tensor([0.1, 0.8])
    fmnist.export_onnx(net, (x, t), os.path.join(folder, "model.onnx"), [x_name, t_name], [out_name],
                       {x_name: {0: "n"}, t_name: {0: "n"}, out_name: {0: "n"}})


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    unet = TinyDiffusersUNet().eval()
    # 1. the model to import: ONNX only, plus PyTorch's output on a fixed input to compare against
    folder = os.path.join(OUT, "diffusers-eps-linear")
    shutil.rmtree(folder, ignore_errors=True)
    export_unet(unet, folder, "sample", "timestep", "noise_pred")
    g = torch.Generator().manual_seed(1)
    x_ref = torch.randn(3, C, H, W, generator=g)
    t_ref = torch.tensor([0.02, 0.3, 0.95])
    with torch.no_grad():
        eps_ref = unet(x_ref, t_ref)
    fmnist.save_golden(os.path.join(folder, "reference"), {"sample": x_ref, "timestep": t_ref},
                       {"noise_pred": eps_ref})
    # 2. a zoo at 3x32x32 with hand-written manifests and PyTorch golden tensors
    zoo = os.path.join(OUT, "zoo-rgb32")
    shutil.rmtree(zoo, ignore_errors=True)
    noise_linear = {"convention": "vp-linear", "beta_min": BETA_MIN, "beta_max": BETA_MAX,
                    "sigma_min": fmnist.SIGMA_MIN, "sigma_max": fmnist.SIGMA_MAX}
    image = {"channels": C, "height": H, "width": W, "range": [-1.0, 1.0]}
    folder = os.path.join(zoo, "global-tiny")
    export_unet(unet, folder, "x", "t", "eps")
    with torch.no_grad():
        golden = fmnist.save_golden(folder, {"x": x_ref[:2], "t": t_ref[:2]}, {"eps": unet(x_ref[:2], t_ref[:2])})
    fmnist.write_manifest(folder, {
        "name": "global-tiny", "role": "global", "description": "untrained tiny diffusers-style UNet (test fixture)",
        "file": "model.onnx", "dataset": "test", "image": image,
        "inputs": [{"name": "x", "shape": [-1, C, H, W]}, {"name": "t", "shape": [-1]}],
        "outputs": [{"name": "eps", "shape": [-1, C, H, W]}],
        "parameterisation": "eps", "noise": noise_linear,
        "parameters": sum(p.numel() for p in unet.parameters()),
        "training": {"steps": 0, "final_loss": None}, "golden": golden})
    local = LocalNet(width=8, dilations=(1, 1), mlp=8, temb=16, channels=C).eval()
    folder = os.path.join(zoo, "local-tiny")
    os.makedirs(folder, exist_ok=True)
    xs = torch.randn(2, C, H, W, generator=g)
    x_in = torch.cat([F.pad(xs, (local.radius,) * 4), local_input(xs[:, :1], local.radius)[:, 1:]], 1)
    t_in = torch.tensor([0.2, 0.7])
    fmnist.export_onnx(local, (x_in, t_in), os.path.join(folder, "model.onnx"), ["x", "t"], ["v"],
                       {"x": {0: "n", 2: "h", 3: "w"}, "t": {0: "n"}, "v": {0: "n", 2: "h", 3: "w"}})
    with torch.no_grad():
        golden = fmnist.save_golden(folder, {"x": x_in, "t": t_in}, {"v": local(x_in, t_in)})
    fmnist.write_manifest(folder, {
        "name": "local-tiny", "role": "local", "description": "untrained local model of radius 2 (test fixture)",
        "file": "model.onnx", "dataset": "test", "image": image,
        "inputs": [{"name": "x", "shape": [-1, C + 2, -1, -1]}, {"name": "t", "shape": [-1]}],
        "outputs": [{"name": "v", "shape": [-1, C, -1, -1]}],
        "parameterisation": "v",
        "noise": {"convention": "vp-cosine", "s": fmnist.COSINE_S, "sigma_min": fmnist.SIGMA_MIN, "sigma_max": fmnist.SIGMA_MAX},
        "parameters": sum(p.numel() for p in local.parameters()), "receptive_radius": local.radius,
        "training": {"steps": 0, "final_loss": None}, "golden": golden})
    window = {"sigma_lo": 0.3, "sigma_hi": 5.0}
    router = {"global_model": "global-tiny", "local_model": "local-tiny", "window": window,
              "hybrid": [{"sigma_lo": 0.0, "sigma_hi": 0.3, "model": "local-tiny"},
                         {"sigma_lo": 0.3, "sigma_hi": 5.0, "model": "global-tiny"},
                         {"sigma_lo": 5.0, "sigma_hi": None, "model": "local-tiny"}]}
    with open(os.path.join(zoo, "router.json"), "w") as f:
        json.dump(router, f, indent=2)
        f.write("\n")
    print("fixtures written to", OUT, "t(sigma=1) =", float(linear_beta_t(np.float64(1.0))))


if __name__ == "__main__":
    main()
