#!/usr/bin/python3
"""The issue's raw-pixel linear anchor, with sklearn: logistic regression on standardised Fashion-MNIST pixels.

Run with Debian's python3 + python3-sklearn:
    /usr/bin/python3 tools/reference/vision_raw_pixel_probe.py [IDX folder] [max_iter ...]
Default folder /usr/share/datasets/fashion-mnist (raw or .gz IDX files), default max_iter 100 and 1000.

Prints one JSON line per max_iter. Used in docs/results-vision.md to separate what the probe contributes from
what the features do: sklearn's converged LogisticRegression (C = 1, lbfgs) reproduces the issue's 0.835, and
stopping it at 100 iterations (sklearn's default, not converged) scores about as high as our Adam probe.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

folder = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/datasets/fashion-mnist'
iters = [int(a) for a in sys.argv[2:]] or [100, 1000]


def idx(prefix, offset):
    name = next(n for n in sorted(os.listdir(folder)) if n.startswith(prefix))
    path = os.path.join(folder, name)
    with (gzip.open(path) if path.endswith('.gz') else open(path, 'rb')) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


x_train = idx('train-images', 16).reshape(-1, 784) / 255.0
y_train = idx('train-labels', 8)
x_test = idx('t10k-images', 16).reshape(-1, 784) / 255.0
y_test = idx('t10k-labels', 8)
scaler = StandardScaler().fit(x_train)
a, b = scaler.transform(x_train), scaler.transform(x_test)
for max_iter in iters:
    t = time.time()
    model = LogisticRegression(max_iter=max_iter).fit(a, y_train)
    print(json.dumps({'max_iter': max_iter, 'n_iter': int(model.n_iter_.max()), 'accuracy': float(model.score(b, y_test)), 'seconds': round(time.time() - t, 1)}))
