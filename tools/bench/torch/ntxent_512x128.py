"""PyTorch twin of `ntxent-512x128`: NT-Xent forward + backward on two [512, 128] batches."""
import torch

from common import arg, measure, nt_xent, report

z1 = torch.randn(512, 128, requires_grad=True)
z2 = torch.randn(512, 128, requires_grad=True)


def step():
    z1.grad = None
    z2.grad = None
    nt_xent(z1, z2, 0.5).backward()


steps = arg("--steps", 20)
report("ntxent-512x128", "opsPerSecond", 1, measure(step, arg("--warmup", 3), steps), steps)
