"""PyTorch twin of `gin-graphs`: GIN (3 layers, hidden 64, MLP in->2h->h, eps 0, mean readout) on two
feature-masked views of 128 graphs x 24 nodes (ring + chords, as tools/bench/workloads/graph-data.ts),
NT-Xent tau 0.5, Adam 1e-3. Message passing with index_add_ (no PyG needed)."""
import torch
import torch.nn as nn

from common import arg, measure, nt_xent, report

G, NODES, F = 128, 24, 16
N = G * NODES
src, dst = [], []
for g in range(G):
    o = g * NODES

    def add(a, b):
        src.extend([o + a, o + b])
        dst.extend([o + b, o + a])

    for i in range(NODES):
        add(i, (i + 1) % NODES)
    for i in range(0, NODES, 2):
        add(i, (i + 7) % NODES)
src = torch.tensor(src)
dst = torch.tensor(dst)
batch = torch.arange(N) // NODES
feats = torch.randn(N, F)
x1 = feats * (torch.rand(N, F) >= 0.2)
x2 = feats * (torch.rand(N, F) >= 0.2)


class GIN(nn.Module):
    def __init__(self, din, h, layers):
        super().__init__()
        self.mlps = nn.ModuleList(
            nn.Sequential(nn.Linear(din if i == 0 else h, 2 * h), nn.ReLU(), nn.Linear(2 * h, h)) for i in range(layers)
        )

    def forward(self, x):
        h = x
        for i, mlp in enumerate(self.mlps):
            agg = h + torch.zeros_like(h).index_add_(0, dst, h[src])
            h = mlp(agg)
            if i < len(self.mlps) - 1:
                h = torch.relu(h)
        out = torch.zeros(G, h.shape[1]).index_add_(0, batch, h)
        return out / NODES


enc = GIN(F, 64, 3)
opt = torch.optim.Adam(enc.parameters(), lr=1e-3)


def step():
    opt.zero_grad()
    loss = nt_xent(enc(x1), enc(x2), 0.5)
    loss.backward()
    opt.step()
    loss.item()


steps = arg("--steps", 9)
report("gin-graphs", "viewsPerSecond", 2 * G, measure(step, arg("--warmup", 2), steps), steps)
