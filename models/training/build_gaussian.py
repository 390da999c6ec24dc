"""Build the analytic linear (Wiener) denoiser of the training data as an ONNX graph:

  D(x; sigma) = mu + U diag(lambda / (lambda + sigma^2)) U^T (x - mu)

exact for Gaussian data with the training set's mean and covariance. Two 784x784 matrix
products per image. Parameterisation x0, noise convention VE (input x = x0 + sigma * eps).
The graph is gaussian_forms.full_graph; gaussian_forms.py also has the forms that scale to large images.
"""
import argparse
import os

import fmnist
import gaussian_forms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--zoo", default=fmnist.ZOO_DIR, help="zoo folder (default the Fashion-MNIST zoo)")
    args = p.parse_args()
    train, _ = fmnist.load_split("train")
    test, _ = fmnist.load_split("t10k")
    gaussian_forms.build_zoo_model(os.path.join(args.zoo, "gaussian"), train, test)


if __name__ == "__main__":
    main()
