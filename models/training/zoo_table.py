"""Prints the README's model tables from the zoo's manifests (x0 error by sigma, training figures).

  python3 models/training/zoo_table.py
"""
import json
import os

ZOO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zoo", "fashion-mnist")


def manifests():
    out = []
    for name in sorted(os.listdir(ZOO)):
        path = os.path.join(ZOO, name, "model.json")
        if os.path.exists(path):
            with open(path) as f:
                out.append(json.load(f))
    return out


def main():
    models = manifests()
    denoisers = [m for m in models if m["role"] != "classifier"]
    sigmas = list(denoisers[0]["x0_mse"]["by_sigma"].keys())
    print("| sigma | " + " | ".join(m["name"] for m in denoisers) + " | local / global |")
    print("|---:|" + "---:|" * (len(denoisers) + 1))
    for s in sigmas:
        row = [m["x0_mse"]["by_sigma"][s] for m in denoisers]
        by_name = {m["name"]: m["x0_mse"]["by_sigma"][s] for m in denoisers}
        ratio = by_name.get("local-r4", float("nan")) / by_name.get("global-unet", float("nan"))
        print(f"| {s} | " + " | ".join(f"{v:.5f}" for v in row) + f" | {ratio:.3f} |")
    print()
    print("| model | role | parameters | trained | final loss | notes |")
    print("|---|---|---:|---|---:|---|")
    for m in models:
        t = m.get("training", {})
        trained = f"{t.get('steps', 0)} steps, {t.get('seconds', 0) / 60:.0f} min" if t.get("steps") else "closed form"
        if "epochs" in t:
            trained = f"{t['epochs']} epochs, {t['seconds'] / 60:.0f} min"
        loss = t.get("final_loss")
        notes = f"test accuracy {m['test_accuracy']:.4f}" if "test_accuracy" in m else \
            f"receptive radius {m['receptive_radius']}" if "receptive_radius" in m else m.get("description", "")[:40]
        print(f"| {m['name']} | {m['role']} | {m.get('parameters', '?')} | {trained} | "
              f"{'' if loss is None else f'{loss:.4f}'} | {notes} |")


if __name__ == "__main__":
    main()
