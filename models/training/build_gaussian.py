"""Build the analytic linear (Wiener) denoiser of the training data as an ONNX graph:

  D(x; sigma) = mu + U diag(lambda / (lambda + sigma^2)) U^T (x - mu)

exact for Gaussian data with the training set's mean and covariance. Two 784x784 matrix
products per image. Parameterisation x0, noise convention VE (input x = x0 + sigma * eps).
The graph is gaussian_forms.full_graph; gaussian_forms.py also has the forms that scale to large images.
"""
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import onnx
import torch

import fmnist
import gaussian_forms


def build(mu, u, lam):
    return gaussian_forms.full_graph(mu, u, lam, (1, 28, 28))


denoise = gaussian_forms.denoise_full  # the same computation in numpy (float32), for golden tensors and the error table


def main():
    start = time.time()
    train, _ = fmnist.load_split("train")
    test, _ = fmnist.load_split("t10k")
    data = train.reshape(len(train), -1).double().numpy()
    mu = data.mean(0)
    cov = np.cov(data, rowvar=False)
    lam, u = np.linalg.eigh(cov)
    lam = np.clip(lam, 0.0, None)
    order = np.argsort(lam)[::-1]
    lam, u = lam[order], u[:, order]
    mu32, u32, lam32 = mu.astype(np.float32), u.astype(np.float32), lam.astype(np.float32)
    folder = os.path.join(fmnist.ZOO_DIR, "gaussian")
    os.makedirs(folder, exist_ok=True)
    onnx.save(build(mu, u, lam), os.path.join(folder, "model.onnx"))
    rng = np.random.default_rng(5)
    x0 = test[:2000].numpy()
    errors = {}
    for sigma in fmnist.EVAL_SIGMAS:
        s = np.full(len(x0), sigma, np.float32)
        x = (x0 + sigma * rng.standard_normal(x0.shape)).astype(np.float32)
        errors[str(sigma)] = float(((denoise(x, s, mu32, u32, lam32) - x0) ** 2).mean())
    sigma_in = np.array([0.05, 0.5, 3.0, 40.0], np.float32)
    x_in = (x0[:4] + sigma_in[:, None, None, None] * rng.standard_normal((4, 1, 28, 28))).astype(np.float32)
    golden = fmnist.save_golden(folder, {"x": torch.from_numpy(x_in), "sigma": torch.from_numpy(sigma_in)},
                                {"x0": torch.from_numpy(denoise(x_in, sigma_in, mu32, u32, lam32))})
    fmnist.write_manifest(folder, {
        "name": "gaussian",
        "role": "global",
        "description": "analytic linear (Wiener) denoiser of the training set: mean + eigendecomposition of the covariance",
        "file": "model.onnx",
        "dataset": "fashion-mnist",
        "image": {"channels": 1, "height": 28, "width": 28, "range": [-1.0, 1.0]},
        "inputs": [{"name": "x", "shape": [-1, 1, 28, 28]}, {"name": "sigma", "shape": [-1]}],
        "outputs": [{"name": "x0", "shape": [-1, 1, 28, 28]}],
        "parameterisation": "x0",
        "noise": {"convention": "ve", "sigma_min": fmnist.SIGMA_MIN, "sigma_max": fmnist.SIGMA_MAX},
        "parameters": int(mu.size + u.size + lam.size),
        "spectrum": {"top_eigenvalues": [float(v) for v in lam[:10]], "trace": float(lam.sum())},
        "training": {"steps": 0, "images": len(train), "seconds": round(time.time() - start, 1),
                     "final_loss": None, "loss": "closed form (no training)"},
        "x0_mse": {"images": 2000, "split": "t10k", "by_sigma": errors},
        "golden": golden,
    })
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].semilogy(lam[:200]); ax[0].set_title("covariance spectrum (top 200)")
    ax[1].loglog(fmnist.EVAL_SIGMAS, list(errors.values()), marker="o"); ax[1].set_title("held-out x0 mse"); ax[1].set_xlabel("sigma")
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "training.png"), dpi=70)
    print(f"gaussian: top eigenvalue {lam[0]:.3f}, x0 mse {errors}")


if __name__ == "__main__":
    main()
