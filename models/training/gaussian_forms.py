"""The analytic Gaussian (Wiener) denoiser in three forms, as ONNX graphs for images of any size:

  full        D = mu + U diag(l / (l + s^2)) U^T (x - mu)                 (C*H*W)^2 parameters
  lowrank     the top-k eigenpairs exactly, the rest of the spectrum as its mean rho:
              D = mu + r c + U_k diag(l_k / (l_k + s^2) - r) U_k^T c,  c = x - mu, r = rho / (rho + s^2)
                                                                            C*H*W*k parameters
  stationary  a per-frequency Wiener filter: channels decorrelated by a CxC rotation P, then for
              every channel and 2D frequency f the gain S(f) / (S(f) + s^2), S the power spectrum of
              the (mean-removed) training images; 2D DFT as separable matrix products
                                                                            C*H*W + H^2 + W^2 parameters

Every graph: inputs x (N, C, H, W) and sigma (N), output x0 (N, C, H, W); parameterisation x0, VE.
Compare the forms on Fashion-MNIST (where the full form fits):

  /usr/bin/python3 gaussian_forms.py --compare [--ranks 32 64 128 256] [--data prepared.npz]
"""
import argparse
import json
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FULL_EIGH_LIMIT = 4096  # above this dimension the top-k eigenpairs come from randomised subspace iteration


def _model(nodes, init, shape, name):
    c, h, w = shape
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", c, h, w]),
         helper.make_tensor_value_info("sigma", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("x0", TensorProto.FLOAT, ["n", c, h, w])], init)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="phaseflow")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _tensor(a, name, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(a).astype(dtype), name)


def full_graph(mu, u, lam, shape=(1, 28, 28)):
    """The full form (build_gaussian.py's graph, for any C, H, W)."""
    d = mu.size
    init = [_tensor(a, n) for a, n in ((mu.reshape(1, d), "mu"), (u, "U"), (u.T.copy(), "Ut"), (lam.reshape(1, d), "lambda"))]
    init += [_tensor([-1, d], "flat_shape", np.int64), _tensor([-1, *shape], "image_shape", np.int64),
             _tensor([1], "axis1", np.int64), _tensor([1e-12], "tiny")]
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
    return _model(nodes, init, shape, "gaussian_wiener_denoiser")


def lowrank_graph(mu, u_k, lam_k, rho, shape):
    d = mu.size
    init = [_tensor(a, n) for a, n in ((mu.reshape(1, d), "mu"), (u_k, "U"), (u_k.T.copy(), "Ut"),
                                       (lam_k.reshape(1, -1), "lambda"), ([rho], "rho"), ([1e-12], "tiny"))]
    init += [_tensor([-1, d], "flat_shape", np.int64), _tensor([-1, *shape], "image_shape", np.int64),
             _tensor([1], "axis1", np.int64)]
    nodes = [
        helper.make_node("Reshape", ["x", "flat_shape"], ["x_flat"]),
        helper.make_node("Sub", ["x_flat", "mu"], ["centred"]),
        helper.make_node("Unsqueeze", ["sigma", "axis1"], ["sigma_col"]),
        helper.make_node("Mul", ["sigma_col", "sigma_col"], ["var_raw"]),
        helper.make_node("Add", ["var_raw", "tiny"], ["var"]),
        helper.make_node("Add", ["var", "lambda"], ["denominator"]),
        helper.make_node("Div", ["lambda", "denominator"], ["shrink"]),
        helper.make_node("Add", ["var", "rho"], ["rest_denominator"]),
        helper.make_node("Div", ["rho", "rest_denominator"], ["rest"]),
        helper.make_node("Sub", ["shrink", "rest"], ["extra"]),
        helper.make_node("MatMul", ["centred", "U"], ["coeff"]),
        helper.make_node("Mul", ["coeff", "extra"], ["shrunk"]),
        helper.make_node("MatMul", ["shrunk", "Ut"], ["back"]),
        helper.make_node("Mul", ["centred", "rest"], ["isotropic"]),
        helper.make_node("Add", ["back", "isotropic"], ["denoised"]),
        helper.make_node("Add", ["denoised", "mu"], ["x0_flat"]),
        helper.make_node("Reshape", ["x0_flat", "image_shape"], ["x0"]),
    ]
    return _model(nodes, init, shape, "gaussian_lowrank_denoiser")


def dft_matrices(n):
    k = np.arange(n)
    angle = 2 * np.pi * np.outer(k, k) / n
    return np.cos(angle), np.sin(angle)


def stationary_graph(mu, rotation, spectrum, shape):
    """mu (C, H, W), rotation P (C, C) orthogonal, spectrum S (C, H, W) of the rotated channels."""
    c, h, w = shape
    ch, sh = dft_matrices(h)
    cw, sw = dft_matrices(w)
    init = [_tensor(mu.reshape(1, c, h, w), "mu"), _tensor(spectrum.reshape(1, c, h, w), "spectrum"),
            _tensor(rotation.T.reshape(c, c, 1, 1), "rotate"), _tensor(rotation.reshape(c, c, 1, 1), "unrotate"),
            _tensor(ch, "Ch"), _tensor(sh, "Sh"), _tensor(cw.T, "CwT"), _tensor(sw.T, "SwT"),
            _tensor([1.0 / (h * w)], "inverse_scale"), _tensor([-1, 1, 1, 1], "sigma_shape", np.int64),
            _tensor([1e-12], "tiny")]
    mm = lambda a, b, out: helper.make_node("MatMul", [a, b], [out])
    nodes = [
        helper.make_node("Sub", ["x", "mu"], ["centred"]),
        helper.make_node("Conv", ["centred", "rotate"], ["y"]),  # y_o = sum_i P[i, o] c_i
        # forward DFT: Y = F_H y F_W^T, F = C - iS
        mm("y", "CwT", "y_c"), mm("y", "SwT", "y_s"),
        mm("Ch", "y_c", "cc"), mm("Sh", "y_s", "ss"), mm("Sh", "y_c", "sc"), mm("Ch", "y_s", "cs"),
        helper.make_node("Sub", ["cc", "ss"], ["re"]),
        helper.make_node("Add", ["sc", "cs"], ["minus_im"]),
        # Wiener gain per channel and frequency
        helper.make_node("Reshape", ["sigma", "sigma_shape"], ["sigma_4d"]),
        helper.make_node("Mul", ["sigma_4d", "sigma_4d"], ["var_raw"]),
        helper.make_node("Add", ["var_raw", "tiny"], ["var"]),
        helper.make_node("Add", ["var", "spectrum"], ["denominator"]),
        helper.make_node("Div", ["spectrum", "denominator"], ["gain"]),
        helper.make_node("Mul", ["re", "gain"], ["zr"]),
        helper.make_node("Mul", ["minus_im", "gain"], ["zi_neg"]),
        # inverse: z = Re(F_H^* Z F_W^*T) / (HW) with Z = zr + i zi, zi = -zi_neg
        mm("Ch", "zr", "a_cr"), mm("Sh", "zi_neg", "a_sz"), mm("Sh", "zr", "a_sr"), mm("Ch", "zi_neg", "a_cz"),
        helper.make_node("Add", ["a_cr", "a_sz"], ["ar"]),          # Ch zr - Sh zi
        helper.make_node("Sub", ["a_sr", "a_cz"], ["ai"]),          # Sh zr + Ch zi
        mm("ar", "CwT", "ar_c"), mm("ai", "SwT", "ai_s"),
        helper.make_node("Sub", ["ar_c", "ai_s"], ["z_raw"]),
        helper.make_node("Mul", ["z_raw", "inverse_scale"], ["z"]),
        helper.make_node("Conv", ["z", "unrotate"], ["back"]),
        helper.make_node("Add", ["back", "mu"], ["x0"]),
    ]
    return _model(nodes, init, shape, "gaussian_stationary_denoiser")


# ---- fitting (float64) and numpy references (float32, as the graphs compute) ----

def fit_full(data):
    """data (N, D) float64 -> mu, U (columns by decreasing eigenvalue), lambda."""
    mu = data.mean(0)
    lam, u = np.linalg.eigh(np.cov(data, rowvar=False))
    lam = np.clip(lam, 0.0, None)
    order = np.argsort(lam)[::-1]
    return mu, u[:, order], lam[order]


def fit_lowrank(data, k, seed=0, iterations=6, chunk=4096):
    """Top-k eigenpairs of the covariance and the mean rho of the remaining eigenvalues. Exact (eigh)
    up to FULL_EIGH_LIMIT dimensions; beyond, randomised subspace iteration over chunks of the data."""
    n, d = data.shape
    mu = data.mean(0)
    k = min(k, d)
    if d <= FULL_EIGH_LIMIT:
        _, u, lam = fit_full(data)
        u_k, lam_k = u[:, :k], lam[:k]
    else:
        def cov_times(m):  # (X - mu)^T (X - mu) m / (n - 1), chunk by chunk
            out = np.zeros_like(m)
            for i in range(0, n, chunk):
                c = data[i:i + chunk] - mu
                out += c.T @ (c @ m)
            return out / (n - 1)
        rng = np.random.default_rng(seed)
        q, _ = np.linalg.qr(rng.standard_normal((d, min(d, k + 16))))
        for _ in range(iterations):
            q, _ = np.linalg.qr(cov_times(q))
        small = q.T @ cov_times(q)
        lam_q, v = np.linalg.eigh(small)
        order = np.argsort(lam_q)[::-1][:k]
        u_k, lam_k = q @ v[:, order], np.clip(lam_q[order], 0.0, None)
    trace = float(((data - mu) ** 2).sum() / (n - 1))
    rho = max(0.0, (trace - lam_k.sum()) / max(1, d - k))
    return mu, u_k, lam_k, rho, trace


def fit_stationary(images):
    """images (N, C, H, W) float64 -> mu (C, H, W), rotation P (C, C), spectrum (C, H, W)."""
    mu = images.mean(0)
    centred = images - mu
    c = images.shape[1]
    channel_cov = np.einsum("nchw,ndhw->cd", centred, centred) / (centred[:, 0].size - 1)
    _, rotation = np.linalg.eigh(channel_cov) if c > 1 else (None, np.eye(1))
    rotated = np.einsum("nchw,co->nohw", centred, rotation)
    h, w = images.shape[2:]
    spectrum = (np.abs(np.fft.fft2(rotated)) ** 2).mean(0) / (h * w)
    return mu, rotation, spectrum


def denoise_full(x, sigma, mu, u, lam):
    flat = x.reshape(len(x), -1) - mu
    shrink = lam / (sigma[:, None] ** 2 + lam + np.float32(1e-12))
    return ((flat @ u) * shrink @ u.T + mu).reshape(x.shape).astype(np.float32)


def denoise_lowrank(x, sigma, mu, u_k, lam_k, rho):
    c = x.reshape(len(x), -1) - mu
    var = sigma[:, None] ** 2 + np.float32(1e-12)
    rest = rho / (var + rho)
    out = ((c @ u_k) * (lam_k / (var + lam_k) - rest)) @ u_k.T + rest * c + mu
    return out.reshape(x.shape).astype(np.float32)


def denoise_stationary(x, sigma, mu, rotation, spectrum):
    y = np.einsum("nchw,co->nohw", x - mu, rotation)
    gain = spectrum / (spectrum + sigma[:, None, None, None] ** 2 + 1e-12)
    z = np.real(np.fft.ifft2(np.fft.fft2(y) * gain))
    return (np.einsum("nohw,co->nchw", z, rotation) + mu).astype(np.float32)


DESCRIPTIONS = {
    "full": "analytic linear (Wiener) denoiser of the training set: mean + eigendecomposition of the covariance",
    "lowrank": "analytic linear (Wiener) denoiser of the training set: mean + top-{k} eigenpairs of the covariance "
               "+ the rest of the spectrum as one isotropic variance",
    "stationary": "analytic linear (Wiener) denoiser of the training set: mean image + per-frequency Wiener filter "
                  "of the power spectrum (channels decorrelated by a rotation)",
}


def choose_form(shape, form="auto", rank=256):
    """auto: the full form while (C*H*W)^2 stays small (up to 4096 dimensions), else rank-k plus isotropic."""
    if form != "auto":
        return form
    return "full" if int(np.prod(shape)) <= FULL_EIGH_LIMIT else "lowrank"


def build_zoo_model(folder, train, test, dataset="fashion-mnist", form="full", rank=256, name="gaussian",
                    split="t10k", data=None):
    """Fits a form on train (N, C, H, W tensors in [-1, 1]), exports model.onnx, golden tensors, model.json
    (x0 error on up to 2000 held-out images) and training.png into folder."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import os
    import torch
    import fmnist
    start = time.time()
    shape = tuple(int(v) for v in train.shape[1:])
    f32 = lambda *a: [np.asarray(v, np.float32) for v in a]
    extra = {}
    if form == "stationary":
        mu, rotation, spectrum = fit_stationary(train.double().numpy())
        model = stationary_graph(mu, rotation, spectrum, shape)
        params = f32(mu, rotation, spectrum)
        fn = lambda x, s: denoise_stationary(x, s, *params)
        lam = np.sort(spectrum.ravel())[::-1]
        count = mu.size + spectrum.size + rotation.size
    else:
        data_flat = train.reshape(len(train), -1).double().numpy()
        if form == "full":
            mu, u, lam = fit_full(data_flat)
            model = full_graph(mu, u, lam, shape)
            params = f32(mu, u, lam)
            fn = lambda x, s: denoise_full(x, s, *params)
            count = mu.size + u.size + lam.size
        elif form == "lowrank":
            mu, u, lam, rho, trace = fit_lowrank(data_flat, rank)
            model = lowrank_graph(mu, u, lam, rho, shape)
            params = f32(mu, u, lam, rho)
            fn = lambda x, s: denoise_lowrank(x, s, *params)
            count = mu.size + u.size + lam.size + 1
            extra = {"rank": int(lam.size), "isotropic_variance": float(rho)}
        else:
            raise ValueError(f"unknown Gaussian form '{form}' (full, lowrank, stationary or auto)")
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    rng = np.random.default_rng(5)
    x0 = test[:2000].numpy()
    errors = {}
    for sigma in fmnist.EVAL_SIGMAS:
        s = np.full(len(x0), sigma, np.float32)
        x = (x0 + sigma * rng.standard_normal(x0.shape)).astype(np.float32)
        errors[str(sigma)] = float(((fn(x, s) - x0) ** 2).mean())
    sigma_in = np.array([0.05, 0.5, 3.0, 40.0], np.float32)
    x_in = (x0[:4] + sigma_in[:, None, None, None] * rng.standard_normal((4,) + shape)).astype(np.float32)
    golden = fmnist.save_golden(folder, {"x": torch.from_numpy(x_in), "sigma": torch.from_numpy(sigma_in)},
                                {"x0": torch.from_numpy(fn(x_in, sigma_in))})
    c, h, w = shape
    manifest = {
        "name": name,
        "role": "global",
        "description": DESCRIPTIONS[form].format(k=rank),
        "file": "model.onnx",
        "dataset": dataset,
        "image": {"channels": c, "height": h, "width": w, "range": [-1.0, 1.0]},
        "inputs": [{"name": "x", "shape": [-1, c, h, w]}, {"name": "sigma", "shape": [-1]}],
        "outputs": [{"name": "x0", "shape": [-1, c, h, w]}],
        "parameterisation": "x0",
        "noise": {"convention": "ve", "sigma_min": fmnist.SIGMA_MIN, "sigma_max": fmnist.SIGMA_MAX},
        "parameters": int(count),
        "spectrum": {"top_eigenvalues": [float(v) for v in lam[:10]], "trace": float(lam.sum())},
        "training": {"steps": 0, "images": len(train), "seconds": round(time.time() - start, 1),
                     "final_loss": None, "loss": "closed form (no training)"},
        "x0_mse": {"images": len(x0), "split": split, "by_sigma": errors},
        "golden": golden,
    }
    if form != "full":
        manifest["form"] = {"kind": form} | extra
    if data is not None:
        manifest["data"] = data
    fmnist.write_manifest(folder, manifest)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].semilogy(lam[:200]); ax[0].set_title("covariance spectrum (top 200)")
    ax[1].loglog(fmnist.EVAL_SIGMAS, list(errors.values()), marker="o"); ax[1].set_title("held-out x0 mse"); ax[1].set_xlabel("sigma")
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "training.png"), dpi=70)
    print(f"{name} ({form}): top eigenvalue {lam[0]:.3f}, x0 mse {errors}", flush=True)


def compare(ranks, data_file=None, images=2000):
    """x0 error of each form against the truth and against the full form, on Fashion-MNIST or a prepared data set."""
    import fmnist
    start = time.time()
    if data_file:
        import zoo_data
        prepared = zoo_data.Prepared(data_file)
        train, test = prepared.split("train")[0], prepared.split("heldout")[0]
    else:
        train, _ = fmnist.load_split("train")
        test, _ = fmnist.load_split("t10k")
    h, w = train.shape[2:]
    data = train.reshape(len(train), -1).double().numpy()
    mu, u, lam = fit_full(data)
    f32 = lambda *a: [np.asarray(v, np.float32) for v in a]
    full = f32(mu, u, lam)
    forms = {}
    for k in ranks:
        m, uk, lk, rho, _ = fit_lowrank(data, k)
        forms[f"lowrank-{k}"] = (lambda x, s, p=f32(m, uk, lk, rho): denoise_lowrank(x, s, *p), m.size * (k + 1) + k + 1)
    smu, rot, spec = fit_stationary(train.double().numpy())
    forms["stationary"] = (lambda x, s, p=(smu, rot, spec): denoise_stationary(x, s, *p), smu.size * 2 + h * h + w * w)
    rng = np.random.default_rng(5)  # the same noise as build_gaussian.py's table
    x0 = test[:images].numpy()
    rows = []
    for sigma in fmnist.EVAL_SIGMAS:
        s = np.full(len(x0), sigma, np.float32)
        x = (x0 + sigma * rng.standard_normal(x0.shape)).astype(np.float32)
        ref = denoise_full(x, s, *full)
        row = {"sigma": sigma, "full": float(((ref - x0) ** 2).mean())}
        for name, (fn, _) in forms.items():
            out = fn(x, s)
            row[name] = float(((out - x0) ** 2).mean())
            row[name + " vs full"] = float(((out - ref) ** 2).mean())
        rows.append(row)
    params = {"full": mu.size * (mu.size + 2)} | {k: v[1] for k, v in forms.items()}
    return rows, params, time.time() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--compare", action="store_true", help="x0 error of the scalable forms against the full form")
    p.add_argument("--data", help="a data set prepared by zoo_data.py (default Fashion-MNIST)")
    p.add_argument("--ranks", type=int, nargs="+", default=[32, 64, 128, 256])
    args = p.parse_args()
    if not args.compare:
        p.error("nothing to do (see --compare; the zoo builder train_zoo.py uses this module)")
    rows, params, seconds = compare(args.ranks, args.data)
    names = [k for k in rows[0] if k != "sigma" and not k.endswith("vs full")]
    print(f"x0 mse on up to 2000 held-out images of {args.data or 'Fashion-MNIST'} (train covariance); "
          "in brackets: mean squared difference to the full form")
    print("| sigma | " + " | ".join(names) + " |")
    print("|---:|" + "---:|" * len(names))
    for r in rows:
        cells = [f"{r['full']:.4f}"] + [f"{r[n]:.4f} ({r[n + ' vs full']:.1e})" for n in names[1:]]
        print(f"| {r['sigma']} | " + " | ".join(cells) + " |")
    print("| parameters | " + " | ".join(f"{params[n] / 1e6:.2f} M" for n in names) + " |")
    print(json.dumps({"seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
