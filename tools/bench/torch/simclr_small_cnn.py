"""PyTorch twin of `simclr-small-cnn`: one SimCLR step, 128 images x 2 views of 28x28x1, Adam 1e-3, tau 0.5."""
import torch
import torch.nn as nn

from common import arg, measure, nt_xent, report

encoder = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 64),
)
opt = torch.optim.Adam(encoder.parameters(), lr=1e-3)
x1 = torch.rand(128, 1, 28, 28)
x2 = torch.rand(128, 1, 28, 28)


def step():
    opt.zero_grad()
    loss = nt_xent(encoder(x1), encoder(x2), 0.5)
    loss.backward()
    opt.step()
    loss.item()


steps = arg("--steps", 7)
report("simclr-small-cnn", "viewsPerSecond", 256, measure(step, arg("--warmup", 2), steps), steps)
