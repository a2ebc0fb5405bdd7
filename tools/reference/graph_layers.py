"""Reference values for @contrastive/graph layers (GCN, GIN with edge features, readouts).

Plain-torch scatter math (torch_geometric is not installed): gather with index_select, scatter-add with
index_add_. Writes packages/graph/src/__fixtures__/graph_layers.json (inputs, weights, outputs, grads).
Run: /usr/bin/python3 tools/reference/graph_layers.py
"""
import json
import pathlib

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

# Two graphs: A = nodes 0-2 (path 0-1-2 both directions plus a self-loop on 1), B = nodes 3-5 (edge 3-4,
# node 5 isolated).
src = [0, 1, 1, 2, 1, 3, 4]
dst = [1, 0, 2, 1, 1, 4, 3]
batch = [0, 0, 0, 1, 1, 1]
N, F, Fe, H = 6, 3, 2, 4
x = torch.randn(N, F)
edge_attr = torch.randn(len(src), Fe)
S = torch.tensor(src)
D = torch.tensor(dst)
B = torch.tensor(batch)


def gcn_norm(src, dst, n):
    keep = [(s, t) for s, t in zip(src, dst) if s != t] + [(i, i) for i in range(n)]
    s = torch.tensor([a for a, _ in keep])
    t = torch.tensor([b for _, b in keep])
    deg = torch.zeros(n).index_add_(0, t, torch.ones(len(keep)))
    w = deg[s].rsqrt() * deg[t].rsqrt()
    return s, t, w


def gcn(x, W, b):
    s, t, w = gcn_norm(src, dst, N)
    hw = x @ W
    return torch.zeros(N, W.shape[1]).index_add_(0, t, hw[s] * w[:, None]) + b


def gin(x, We, W1, b1, W2, b2):
    msg = x[S] + edge_attr @ We
    agg = x + torch.zeros(N, x.shape[1]).index_add_(0, D, msg)
    return torch.relu(agg @ W1 + b1) @ W2 + b2


def readouts(h):
    G = int(B.max()) + 1
    s = torch.zeros(G, h.shape[1]).index_add_(0, B, h)
    cnt = torch.zeros(G).index_add_(0, B, torch.ones(N))
    m = s / cnt[:, None]
    mx = torch.stack([h[B == g].max(0).values for g in range(G)])
    return s, m, mx


W = torch.randn(F, H, requires_grad=True)
b = torch.randn(H, requires_grad=True)
xg = x.clone().requires_grad_(True)
R = torch.randn(N, H)
out_gcn = gcn(xg, W, b)
(out_gcn * R).sum().backward()

We = torch.randn(Fe, F, requires_grad=True)
W1 = torch.randn(F, 2 * H, requires_grad=True)
b1 = torch.randn(2 * H, requires_grad=True)
W2 = torch.randn(2 * H, H, requires_grad=True)
b2 = torch.randn(H, requires_grad=True)
xi = x.clone().requires_grad_(True)
out_gin = gin(xi, We, W1, b1, W2, b2)
(out_gin * R).sum().backward()

Hn = torch.randn(N, H, requires_grad=True)
RG = torch.randn(2, H)
ro = {}
for name, val in zip(['sum', 'mean', 'max'], readouts(Hn)):
    g, = torch.autograd.grad((val * RG).sum(), Hn, retain_graph=True)
    ro[name] = {'out': val.tolist(), 'gradH': g.tolist()}

L = lambda t: t.detach().tolist()
fixture = {
    'src': src, 'dst': dst, 'batch': batch, 'x': L(x), 'edgeAttr': L(edge_attr), 'R': L(R),
    'gcn': {'W': L(W), 'b': L(b), 'out': L(out_gcn), 'gradW': L(W.grad), 'gradX': L(xg.grad)},
    'gin': {'We': L(We), 'W1': L(W1), 'b1': L(b1), 'W2': L(W2), 'b2': L(b2), 'out': L(out_gin),
            'gradW1': L(W1.grad), 'gradWe': L(We.grad), 'gradX': L(xi.grad)},
    'readout': {'H': L(Hn), 'RG': L(RG), **ro},
}
out = pathlib.Path(__file__).resolve().parents[2] / 'packages/graph/src/__fixtures__/graph_layers.json'
out.write_text(json.dumps(fixture, indent=1))
print('wrote', out)
