#!/usr/bin/env bash
# Reproduces the whole model zoo (models/zoo/fashion-mnist) on a fresh Debian 12 machine, with the
# seeds and settings of the shipped models. CPU only; about 3 hours on 2 cores. Tests never train.
#   models/training/train.sh            # everything
#   models/training/train.sh classifier # one part: gaussian, classifier, global, local-r4, unet-s, local-r6, unet-xs, unet-s-core, local-r4-core, fixtures, size-fixtures
# The commands live in train_zoo.py (--preset fashion-mnist), the entry point that trains any zoo.
set -euo pipefail
cd "$(dirname "$0")"
if [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-onnx python3-numpy python3-matplotlib \
    python3-pil dataset-fashion-mnist libopenblas0-pthread >/dev/null
fi
PY=/usr/bin/python3                 # Debian's torch, not a pyenv python
export OMP_WAIT_POLICY=PASSIVE      # OpenMP threads sleep instead of spinning when the machine is shared
$PY train_zoo.py --preset fashion-mnist "${1:-all}"
echo "zoo written to $(cd ../zoo/fashion-mnist && pwd); now calibrate: ./phaseflow calibrate"
