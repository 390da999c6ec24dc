"""Build the analytic linear (Wiener) denoiser of the training data as an ONNX graph:

  D(x; sigma) = mu + U diag(lambda / (lambda + sigma^2)) U^T (x - mu)

exact for Gaussian data with the training set's mean and covariance. Two 784x784 matrix
products per image. Parameterisation x0, noise convention VE (input x = x0 + sigma * eps).
"""
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import fmnist


def build(mu, u, lam):
    d = mu.size
    init = [numpy_helper.from_array(a.astype(np.float32), n) for a, n in
            ((mu.reshape(1, d), "mu"), (u, "U"), (u.T.copy(), "Ut"), (lam.reshape(1, d), "lambda"))]
    init += [numpy_helper.from_array(np.array([-1, d], np.int64), "flat_shape"),
             numpy_helper.from_array(np.array([-1, 1, 28, 28], np.int64), "image_shape"),
             numpy_helper.from_array(np.array([1], np.int64), "axis1"),
             numpy_helper.from_array(np.array([1e-12], np.float32), "tiny")]
    nodes = [
        helper.make_node("Reshape", ["x", "flat_shape"], ["x_flat"]),
        helper.make_node("Sub", ["x_flat", "mu"], ["centred"]),
        helper.make_node("MatMul", ["centred", "U"], ["coeff"]),
        helper.make_node("Unsqueeze", ["sigma", "axis1"], ["sigma_col"]),
        helper.make_node("Mul", ["sigma_col", "sigma_col"], ["var"]),
        helper.make_node("Add", ["var", "lambda"], ["denominator_raw"]),
        helper.make_node("Add", ["denominator_raw", "tiny"], ["denominator"]),
        helper.make_node("Div", ["lambda", "denominator"], ["shrink"]),
        helper.make_node("Mul", ["coeff", "shrink"], ["shrunk"]),
        helper.make_node("MatMul", ["shrunk", "Ut"], ["back"]),
        helper.make_node("Add", ["back", "mu"], ["x0_flat"]),
        helper.make_node("Reshape", ["x0_flat", "image_shape"], ["x0"]),
    ]
    graph = helper.make_graph(
        nodes, "gaussian_wiener_denoiser",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 1, 28, 28]),
         helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("x0", TensorProto.FLOAT, ["n", 1, 28, 28])], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="phaseflow")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def denoise(x, sigma, mu, u, lam):
    """The same computation in numpy (float32), for golden tensors and the error table."""
    flat = x.reshape(len(x), -1) - mu
    shrink = lam / (sigma[:, None] ** 2 + lam + np.float32(1e-12))
    return ((flat @ u) * shrink @ u.T + mu).reshape(x.shape).astype(np.float32)


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
