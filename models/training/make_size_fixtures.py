"""Tiny untrained fixtures for images other than 28x28 grey (models/src/test/resources/fixtures):

  diffusers-eps-linear/  a diffusers-style UNet (eps prediction, linear-beta VP, inputs 'sample' and
                         'timestep', output 'noise_pred'), 3x32x32, ONNX file only: the tests import it
                         with `phaseflow models import`; reference/ holds PyTorch's output on one input
  zoo-rgb32/             a zoo at 3x32x32: that UNet as global model, a local model of radius 2 and a
                         router.json, for tiling and engine tests at another size and channel count
  gaussian-forms/        the scalable Gaussian denoisers (gaussian_forms.py) next to the full form on
                         small cases where they are exact: a spiked covariance (k eigenvalues above an
                         isotropic floor: lowrank-k = full) and a stationary one (a colour rotation and
                         a circulant covariance per channel: stationary = full), 3x8x6

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
import gaussian_forms
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


def gaussian_fixture(folder, name, model, shape):
    os.makedirs(folder, exist_ok=True)
    import onnx
    onnx.save(model, os.path.join(folder, "model.onnx"))
    c, h, w = shape
    fmnist.write_manifest(folder, {
        "name": name, "role": "global", "description": "Gaussian denoiser form on a synthetic covariance (test fixture)",
        "file": "model.onnx", "dataset": "test", "image": {"channels": c, "height": h, "width": w},
        "inputs": [{"name": "x", "shape": [-1, c, h, w]}, {"name": "sigma", "shape": [-1]}],
        "outputs": [{"name": "x0", "shape": [-1, c, h, w]}], "parameterisation": "x0",
        "noise": {"convention": "ve", "sigma_min": fmnist.SIGMA_MIN, "sigma_max": fmnist.SIGMA_MAX},
        "training": {"steps": 0, "final_loss": None}})


def gaussian_fixtures():
    out = os.path.join(OUT, "gaussian-forms")
    shutil.rmtree(out, ignore_errors=True)
    shape = (3, 8, 6)
    d = int(np.prod(shape))
    rng = np.random.default_rng(11)
    mu = 0.3 * rng.standard_normal(d)
    # spiked: 5 eigenvalues above an isotropic floor rho
    u, _ = np.linalg.qr(rng.standard_normal((d, d)))
    rho = 0.05
    lam = np.full(d, rho)
    lam[:5] = [4.0, 2.5, 1.2, 0.6, 0.2]
    gaussian_fixture(os.path.join(out, "spiked-full"), "spiked-full", gaussian_forms.full_graph(mu, u, lam, shape), shape)
    gaussian_fixture(os.path.join(out, "spiked-lowrank"), "spiked-lowrank",
                     gaussian_forms.lowrank_graph(mu, u[:, :5], lam[:5], rho, shape), shape)
    # stationary: channels mixed by a rotation P, each channel circulant with the spectrum of a random kernel
    rotation, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    spectrum = np.abs(np.fft.fft2(rng.standard_normal((3, 3, 3)), s=shape[1:])) ** 2 / 9 + 0.01
    basis = np.eye(d).reshape(d, *shape)  # the covariance column by column: Sigma e_j
    y = np.einsum("nchw,co->nohw", basis, rotation)
    z = np.real(np.fft.ifft2(np.fft.fft2(y) * spectrum))
    cov = np.einsum("nohw,co->nchw", z, rotation).reshape(d, d)
    lam_s, u_s = np.linalg.eigh((cov + cov.T) / 2)
    order = np.argsort(lam_s)[::-1]
    mu_img = mu.reshape(shape)
    gaussian_fixture(os.path.join(out, "stationary-full"), "stationary-full",
                     gaussian_forms.full_graph(mu, u_s[:, order], np.clip(lam_s[order], 0, None), shape), shape)
    gaussian_fixture(os.path.join(out, "stationary"), "stationary",
                     gaussian_forms.stationary_graph(mu_img, rotation, spectrum, shape), shape)
    # the numpy references agree before the Java test compares the graphs
    x = rng.standard_normal((4, *shape)).astype(np.float32)
    s = np.array([0.01, 0.3, 2.0, 50.0], np.float32)
    f32 = lambda *a: [np.asarray(v, np.float32) for v in a]
    a = gaussian_forms.denoise_stationary(x, s, mu_img, rotation, spectrum)
    b = gaussian_forms.denoise_full(x, s, *f32(mu, u_s[:, order], np.clip(lam_s[order], 0, None)))
    assert np.abs(a - b).max() < 1e-4, np.abs(a - b).max()


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
    gaussian_fixtures()
    print("fixtures written to", OUT, "t(sigma=1) =", float(linear_beta_t(np.float64(1.0))))


if __name__ == "__main__":
    main()
