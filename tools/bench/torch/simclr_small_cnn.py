"""PyTorch twin of `simclr-small-cnn`: one SimCLR step, 128 images x 2 views of 28x28x1, Adam 1e-3, tau 0.5."""
import torch.nn as nn

from common import simclr_bench

encoder = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 64),
)
simclr_bench("simclr-small-cnn", encoder, 128, (1, 28, 28), steps=7, warmup=2)
