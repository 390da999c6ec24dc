"""Train the zoo's classifier (quality metrics: class histograms, Frechet distance on its features).

  /usr/bin/python3 train_classifier.py --epochs 6 --seed 3
"""
import argparse
import os
import time

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import fmnist
import zoo_data
from nets import Classifier


class Exported(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)


FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def load_data(path):
    """Training and held-out images with labels and class names: Fashion-MNIST, or a prepared data set."""
    if path is None:
        train, train_labels = fmnist.load_split("train")
        test, test_labels = fmnist.load_split("t10k")
        return train, train_labels, test, test_labels, FASHION_MNIST_CLASSES, None
    data = zoo_data.Prepared(path)
    zoo_data.require_labels_for_classifier(data.meta)
    (train, train_labels), (test, test_labels) = data.split("train"), data.split("heldout")
    return train, train_labels, test, test_labels, data.meta["classes"], data


@torch.no_grad()
def accuracy(net, images, labels):
    net.eval()
    correct = sum((net(images[i:i + 1000])[0].argmax(1) == labels[i:i + 1000]).sum().item()
                  for i in range(0, len(images), 1000))
    net.train()
    return correct / len(images)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", help="a data set prepared by zoo_data.py (train_zoo.py makes it); default Fashion-MNIST")
    p.add_argument("--zoo", default=fmnist.ZOO_DIR, help="zoo folder to export into (default the Fashion-MNIST zoo)")
    p.add_argument("--no-flip", action="store_true", help="no mirror augmentation (letters are not mirror-symmetric)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    train, train_labels, test, test_labels, classes, data = load_data(args.data)
    net = Classifier(channels=train.shape[1], size=tuple(train.shape[2:]), classes=len(classes))
    steps = args.epochs * (len(train) // args.batch)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    losses, accs, start, step = [], [], time.time(), 0
    for epoch in range(args.epochs):
        perm = torch.randperm(len(train), generator=g)
        for i in range(0, len(train) - args.batch + 1, args.batch):
            idx = perm[i:i + args.batch]
            x = train[idx]
            flip = torch.rand(len(x), generator=g) < 0.5  # garments are near mirror-symmetric
            if not args.no_flip:
                x = torch.where(flip[:, None, None, None], x.flip(3), x)
            loss = F.cross_entropy(net(x)[0], train_labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 50 == 0:
                losses.append([step, loss.item()])
        accs.append([step, accuracy(net, test, test_labels)])
        print(f"epoch {epoch + 1}: test accuracy {accs[-1][1]:.4f}", flush=True)
    seconds = time.time() - start
    folder = os.path.join(args.zoo, "classifier")
    os.makedirs(folder, exist_ok=True)
    net.eval()
    x_in = test[:8]
    with torch.no_grad():
        logits, features = net(x_in)
    fmnist.export_onnx(Exported(net), (x_in,), os.path.join(folder, "model.onnx"), ["x"], ["logits", "features"],
                       {"x": {0: "n"}, "logits": {0: "n"}, "features": {0: "n"}})
    golden = fmnist.save_golden(folder, {"x": x_in}, {"logits": logits, "features": features})
    c, h, w = train.shape[1:]
    manifest = {
        "name": "classifier",
        "role": "classifier",
        "description": "4-layer CNN; features are the 128 penultimate activations",
        "file": "model.onnx",
        "dataset": data.name if data else "fashion-mnist",
        "image": {"channels": c, "height": h, "width": w, "range": [-1.0, 1.0]},
        "inputs": [{"name": "x", "shape": [-1, c, h, w]}],
        "outputs": [{"name": "logits", "shape": [-1, len(classes)]}, {"name": "features", "shape": [-1, 128]}],
        "classes": classes,
        "parameters": sum(p.numel() for p in net.parameters()),
        "test_accuracy": accs[-1][1],
        "training": {"epochs": args.epochs, "steps": step, "batch": args.batch, "seed": args.seed,
                     "threads": args.threads, "seconds": round(seconds, 1), "final_loss": losses[-1][1] if losses else None,
                     "loss": "cross-entropy"},
        "golden": golden,
    }
    if data:
        manifest["data"] = data.describe()
        manifest["training"]["mirror_augmentation"] = not args.no_flip
    fmnist.write_manifest(folder, manifest)
    fig, ax = plt.subplots(1, 2, figsize=(8, 3))
    ax[0].plot(*zip(*(losses or [[0, float("nan")]]))); ax[0].set_yscale("log"); ax[0].set_title("classifier: training loss")
    ax[1].plot(*zip(*accs), marker="o"); ax[1].set_title("test accuracy"); ax[1].set_xlabel("step")
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "training.png"), dpi=70)
    print(f"classifier: test accuracy {accs[-1][1]:.4f} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
