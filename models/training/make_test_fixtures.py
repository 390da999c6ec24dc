"""Tiny ONNX models with hand-written manifests for the Java tests (models/src/test/resources/fixtures).

  /usr/bin/python3 make_test_fixtures.py
"""
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import fmnist
from nets import LocalNet, local_input

OUT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures"))


def affine_graph():
    """out = x + t (t broadcast over the image): every wrapper identity has a closed form."""
    nodes = [helper.make_node("Unsqueeze", ["t", "axes"], ["t4"]),
             helper.make_node("Add", ["x", "t4"], ["out"])]
    g = helper.make_graph(nodes, "affine",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 1, 28, 28]),
                           helper.make_tensor_value_info("t", TensorProto.FLOAT, ["n"])],
                          [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["n", 1, 28, 28])],
                          [numpy_helper.from_array(np.array([1, 2, 3], np.int64), "axes")])
    return g


def nan_graph():
    """out = sqrt(-|x| - 1): NaN everywhere, to test output checks."""
    nodes = [helper.make_node("Abs", ["x"], ["a"]), helper.make_node("Neg", ["a"], ["na"]),
             helper.make_node("Sub", ["na", "one"], ["m"]), helper.make_node("Sqrt", ["m"], ["root"]),
             helper.make_node("Unsqueeze", ["t", "axes"], ["t4"]), helper.make_node("Mul", ["root", "t4"], ["out"])]
    return helper.make_graph(nodes, "nan",
                             [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 1, 28, 28]),
                              helper.make_tensor_value_info("t", TensorProto.FLOAT, ["n"])],
                             [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["n", 1, 28, 28])],
                             [numpy_helper.from_array(np.array([1.0], np.float32), "one"),
                              numpy_helper.from_array(np.array([1, 2, 3], np.int64), "axes")])


def save_graph(graph, folder):
    os.makedirs(folder, exist_ok=True)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="phaseflow-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(folder, "model.onnx"))


def manifest(name, role, param, noise, inputs, outputs, channels=1, extra=None):
    m = {"name": name, "role": role, "file": "model.onnx", "dataset": "test",
         "image": {"channels": channels, "height": 28, "width": 28},
         "inputs": inputs, "outputs": outputs, "parameterisation": param, "noise": noise,
         "training": {"steps": 0, "final_loss": None}}
    m.update(extra or {})
    return m


def main():
    torch.manual_seed(0)
    image_io = ([{"name": "x", "shape": [-1, 1, 28, 28]}, {"name": "t", "shape": [-1]}],
                [{"name": "out", "shape": [-1, 1, 28, 28]}])
    variants = {
        "affine-eps-ve": ("eps", {"convention": "ve", "sigma_min": 0.002, "sigma_max": 80}),
        "affine-x0-ve": ("x0", {"convention": "ve", "sigma_min": 0.002, "sigma_max": 80}),
        "affine-eps-cosine": ("eps", {"convention": "vp-cosine", "s": 0.008, "sigma_min": 0.002, "sigma_max": 80}),
        "affine-v-cosine": ("v", {"convention": "vp-cosine", "s": 0.008, "sigma_min": 0.002, "sigma_max": 80}),
        "affine-v-linear": ("v", {"convention": "vp-linear", "beta_min": 0.1, "beta_max": 20.0, "sigma_min": 0.002, "sigma_max": 80}),
        "affine-flow-rf": ("flow", {"convention": "rectified-flow", "sigma_min": 0.002, "sigma_max": 80}),
    }
    for name, (param, noise) in variants.items():
        folder = os.path.join(OUT, name)
        save_graph(affine_graph(), folder)
        fmnist.write_manifest(folder, manifest(name, "global", param, noise, *image_io))
    folder = os.path.join(OUT, "nan-output")
    save_graph(nan_graph(), folder)
    fmnist.write_manifest(folder, manifest("nan-output", "global", "eps",
                                           {"convention": "ve", "sigma_min": 0.002, "sigma_max": 80}, *image_io))
    # small random local models (radius 2 and 3, grey and RGB) for tiling exactness
    for name, channels, dilations in (("local-grey-r3", 1, (1, 2)), ("local-rgb-r2", 3, (1, 1))):
        net = LocalNet(width=8, dilations=dilations, mlp=8, temb=16, channels=channels).eval()
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        x = local_input(torch.randn(2, channels, 28, 28), net.radius)[:, :channels + 2] if channels == 1 else None
        if channels != 1:
            xs = torch.randn(2, channels, 28, 28)
            coords = local_input(xs[:, :1], net.radius)[:, 1:]
            x = torch.cat([torch.nn.functional.pad(xs, (net.radius,) * 4), coords], 1)
        t = torch.tensor([0.2, 0.7])
        fmnist.export_onnx(net, (x, t), os.path.join(folder, "model.onnx"), ["x", "t"], ["v"],
                           {"x": {0: "n", 2: "h", 3: "w"}, "t": {0: "n"}, "v": {0: "n", 2: "h", 3: "w"}})
        fmnist.write_manifest(folder, manifest(
            name, "local", "v", {"convention": "vp-cosine", "s": 0.008, "sigma_min": 0.002, "sigma_max": 80},
            [{"name": "x", "shape": [-1, channels + 2, -1, -1]}, {"name": "t", "shape": [-1]}],
            [{"name": "v", "shape": [-1, channels, -1, -1]}], channels=channels,
            extra={"receptive_radius": net.radius}))
    print("fixtures written to", OUT)


if __name__ == "__main__":
    main()
