"""PyTorch twin of `resnet18-simclr-32px`: SimCLR step with a CIFAR-stem ResNet-18 (no projection head,
as in the TS workload) on 64 images x 2 views of 32x32x3, Adam 1e-3, NT-Xent tau 0.5."""
import os

import torch
import torch.nn as nn

from common import simclr_bench


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.1)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.1)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.1))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return torch.relu(y + (x if self.short is None else self.short(x)))


def resnet18():
    layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64, eps=1e-3, momentum=0.1), nn.ReLU()]
    cin = 64
    for i, w in enumerate([64, 128, 256, 512]):
        for j in range(2):
            layers.append(Block(cin, w, 2 if (i > 0 and j == 0) else 1))
            cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


batch = int(os.environ.get("BENCH_BATCH", "64"))  # pnpm bench --batch N
simclr_bench("resnet18-simclr-32px", resnet18(), batch, (3, 32, 32))
