#!/usr/bin/env bash
# Reproduces the whole model zoo (models/zoo/fashion-mnist) on a fresh Debian 12 machine, with the
# seeds and settings of the shipped models. CPU only; about 3 hours on 2 cores. Tests never train.
#   models/training/train.sh            # everything
#   models/training/train.sh classifier # one part: gaussian, classifier, global, local-r4, unet-s, local-r6, unet-xs, fixtures
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-onnx python3-numpy python3-matplotlib \
    dataset-fashion-mnist libopenblas0-pthread >/dev/null
fi
PY=/usr/bin/python3                 # Debian's torch, not a pyenv python
export OMP_WAIT_POLICY=PASSIVE      # OpenMP threads sleep instead of spinning when the machine is shared
part="${1:-all}"
run() { [ "$part" = all ] || [ "$part" = "$1" ]; }
run gaussian   && $PY build_gaussian.py
run classifier && $PY train_classifier.py --epochs 6 --seed 3 --threads 1
run global     && $PY train_denoiser.py --arch global --steps 4500 --batch 64 --seed 1 --threads 2 --eval-every 500
run local-r4   && $PY train_denoiser.py --arch local-r4 --steps 12000 --batch 128 --lr 1e-3 --seed 2 --threads 2 --eval-every 1000
# the cascade for routing by sample quality: each model trained only on the sigma range it serves
# (unet-s and local-r6 were planned longer; their first 1000 steps ran on the longer cosine schedule, then they
# were resumed with the shorter one when the shared cores turned out slower: --stop-at replays exactly that)
run unet-s     && $PY train_denoiser.py --arch unet-s --steps 7000 --stop-at 1000 --batch 64 --lr 1e-3 --sigma-range 0.1 15 --seed 4 --threads 1 --eval-every 1000 \
               && $PY train_denoiser.py --arch unet-s --steps 4500 --batch 64 --lr 1e-3 --sigma-range 0.1 15 --seed 4 --threads 1 --eval-every 500
run local-r6   && $PY train_denoiser.py --arch local-r6 --steps 8000 --stop-at 1000 --batch 64 --lr 1e-3 --sigma-range 0.02 1.5 --seed 5 --threads 1 --eval-every 1000 \
               && $PY train_denoiser.py --arch local-r6 --steps 4000 --batch 64 --lr 1e-3 --sigma-range 0.02 1.5 --seed 5 --threads 1 --eval-every 1000
run unet-xs    && $PY train_denoiser.py --arch unet-xs --steps 2500 --batch 64 --lr 1e-3 --sigma-range 1.5 20 --seed 6 --threads 1 --eval-every 500
run fixtures   && $PY make_test_fixtures.py
echo "zoo written to $(cd ../zoo/fashion-mnist && pwd); now calibrate: ./phaseflow calibrate"
