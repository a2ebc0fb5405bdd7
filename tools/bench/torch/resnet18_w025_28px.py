"""PyTorch twin of `resnet18-w025-28px`: @contrastive/vision's resnet18Encoder at width 0.25 (stages 16, 32,
64, 128; CIFAR stem: conv3x3 stride 1, no max-pool; no projection head) on 256 images x 2 views of
28x28x1, NT-Xent tau 0.5 on the 128-d output, Adam 1e-3. Conv without bias, BatchNorm with Keras'
settings (eps 1e-3, momentum 0.9, i.e. torch momentum 0.1), 1x1 conv + BN shortcut when the shape
changes, global average pool. Stride-2 3x3 convs pad 1 on each side where tfjs 'same' pads 0 before and
1 after an even-sized input: same output sizes (28 -> 14 -> 7 -> 4) and FLOPs, grid offset by one pixel.
BENCH_BATCH (pnpm bench --batch N) overrides the 256."""
import os

import torch
import torch.nn as nn

from common import simclr_bench

PARAMS = 699_888  # trainable params of ours (RESNET18_W025_PARAMS in workloads/resnet18-w025.ts)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = bn(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = bn(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn(cout))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return torch.relu(y + (x if self.short is None else self.short(x)))


def resnet18(width=0.25, cin=1):
    w = lambda c: max(1, round(c * width))  # noqa: E731
    layers = [nn.Conv2d(cin, w(64), 3, 1, 1, bias=False), bn(w(64)), nn.ReLU()]
    cin = w(64)
    for i, c in enumerate([64, 128, 256, 512]):
        for j in range(2):
            layers.append(Block(cin, w(c), 2 if (i > 0 and j == 0) else 1))
            cin = w(c)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


encoder = resnet18()
params = sum(p.numel() for p in encoder.parameters())
assert params == PARAMS, f"twin has {params} trainable params, ours {PARAMS}"
batch = int(os.environ.get("BENCH_BATCH", "256"))  # pnpm bench --batch N
simclr_bench("resnet18-w025-28px", encoder, batch, (1, 28, 28), extra={"params": params})
