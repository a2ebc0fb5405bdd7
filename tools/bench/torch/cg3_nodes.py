"""PyTorch twin of `cg3-nodes`: one CG3 epoch (Wan et al., AAAI 2021; as packages/graph/src/methods/cg3.ts) on the
block-model graph the TS workload wrote (tools/bench/workloads/cg3-nodes-data.ts): it reads the edges, the CSR
bag-of-words features, the training labels and OUR coarsening hierarchy (clusters and coarse edges per level), so
both sides run the same graph and the same H-GCN-style global view; only the initial weights differ.

Per step, full batch:
  local  z^L = l2norm(GCN(X → 64 → C)), dropout 0.6 on both layer inputs (on sparse X: non-zeros, scaled 1/(1−p));
  global z^G = l2norm(HGCN(X)): GCN X → 32 on Â, per level mean-pool into the coarse graph + GCN 32 → 32 (ReLU),
         back up: copy to members + skip + GCN 32 → 32 (ReLU), dropout, GCN 32 → C (dropout 0.6 on X too);
  L = CE(l2norm(0.6 z^L + 0.4 z^G)) + CE(z^G) + 0.9 L_uc + 0.9 L_sc + 0.4 L_g + 5e-4·½‖W₁‖², Adam 0.01;
  L_uc: variant D (mean-normalised) over a uniform draw of min(N, contrastNodes) nodes per step, both directions;
  L_sc: labelled nodes (a draw of contrastNodes when more), same-class positives incl. self, ratio against
        Σ/(n_l − 1), both directions;
  L_g: −mean log σ(a_i + b_j + bias) over every non-zero (i, j) of Â (self-loops included), a = z^L w₁,
       b = z^G w₂, plus the view-swapped pair (= Linear_{2C→1} on the concatenation, without building it).
Â = D^−½(A+I)D^−½ (coarse levels: weighted, self-loops weigh 1) and X are torch sparse CSR with their transposes
precomputed (graph_gcn_twin.CsrOperand: backward Aᵀ·dY, as our SparseOperand; PyG's cached adj_t does the same), so
propagation and the sparse first layer are CSR × dense products. 2 threads (BENCH_TORCH_THREADS), like the other twins.

Run after the TS workload wrote the graph (`pnpm bench --workload cg3-nodes --compare` does both, in that order):
  /usr/bin/python3 tools/bench/torch/cg3_nodes.py [--nodes N] [--steps 5] [--warmup 1]
  /usr/bin/python3 tools/bench/torch/cg3_nodes.py --nodes 200 --check   (step-0 loss components, JSON)
--nodes defaults to $BENCH_NODES, else 1000; the folder is $BENCH_CG3_DIR/n<N> (default <tmpdir>/contrastive-bench/cg3-nodes).
Unit: epochs per second (`opsPerSecond`); also peakRssDeltaMB = max-RSS growth from after loading the graph.

Step-0 check (tools/bench/workloads/cg3-nodes-check.ts, 200 nodes, 100 labelled, seed 0; same graph, different
initial weights, so same magnitude, not equal), 2026-12-05:
                 train loss  eval loss   CE     CE(z^G)  L_uc     L_sc     L_g     wd
  ours (wasm)       5.056      5.138    2.340   2.326    0.093    0.093    0.690   0.0283
  this twin         5.064      4.977    2.370   2.321   -0.017   -0.014    0.715   0.0282
CE ≈ ln 10 (10 classes, unit-norm logits), L_g ≈ ln 2 (σ(≈0)), L_uc and L_sc ≈ 0 at random init (variant D is
the InfoNCE form minus log N), as expected on both sides.
"""
import json
import math
import os
import resource
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import arg, measure, report

# Â, sparse-input dropout and Glorot init are the GCN twin's (tools/reference/graph_gcn_twin.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reference"))
from graph_gcn_twin import CsrOperand, gcn_norm_csr, glorot  # noqa: E402


DROPOUT, TAU, ALPHA = 0.6, 0.5, 0.6
W_UNSUP, W_SUP, W_RECON, WEIGHT_DECAY, LR = 0.9, 0.9, 0.4, 5e-4, 0.01
HIDDEN_LOCAL, HIDDEN_GLOBAL = 64, 32


def graph_dir(n):
    root = os.environ.get("BENCH_CG3_DIR", os.path.join(tempfile.gettempdir(), "contrastive-bench", "cg3-nodes"))
    return os.path.join(root, f"n{n}")


def load(folder):
    meta_path = os.path.join(folder, "meta.json")
    if not os.path.exists(meta_path):
        sys.exit(f"{meta_path} missing: run the TS workload first (BENCH_NODES=<N> pnpm bench --workload cg3-nodes), it writes the graph")
    with open(meta_path) as f:
        meta = json.load(f)

    def read(name, dtype, size):
        a = np.fromfile(os.path.join(folder, name), dtype=dtype)
        if a.size != size:
            sys.exit(f"{folder}/{name}: {a.size} values, meta.json says {size}")
        return a

    n, e, nnz = meta["numNodes"], meta["numEdges"], meta["nnz"]
    g = {
        "meta": meta,
        "edge_index": read("edge_index.i32", "<i4", 2 * e).reshape(2, e),
        "x_rowptr": read("x_rowptr.i32", "<i4", n + 1),
        "x_col": read("x_col.i32", "<i4", nnz),
        "x_val": read("x_val.f32", "<f4", nnz),
        "labels": read("labels.i32", "<i4", n),
        "levels": [],
    }
    fine = n
    for l, lv in enumerate(meta["levels"]):
        g["levels"].append(
            {
                "cluster": read(f"level{l}_cluster.i32", "<i4", fine),
                "num": lv["numClusters"],
                "edge_index": read(f"level{l}_edge_index.i32", "<i4", 2 * lv["numEdges"]).reshape(2, lv["numEdges"]),
                "edge_weight": read(f"level{l}_edge_weight.f32", "<f4", lv["numEdges"]),
            }
        )
        fine = lv["numClusters"]
    return g


class GCNConv(nn.Module):
    """H' = Â (H W) + b; H dense or a CsrOperand (sparse features)."""

    def __init__(self, din, dout):
        super().__init__()
        self.weight = glorot(din, dout)
        self.bias = nn.Parameter(torch.zeros(dout))

    def forward(self, h, adj):
        return adj @ (h @ self.weight) + self.bias


class CG3(nn.Module):
    def __init__(self, g):
        super().__init__()
        meta = g["meta"]
        n, f, c = meta["numNodes"], meta["numFeatures"], meta["numClasses"]
        self.n, self.c, self.contrast = n, c, meta["contrastNodes"]
        self.x = CsrOperand(g["x_rowptr"], g["x_col"], g["x_val"], (n, f))
        self.adj = [gcn_norm_csr(g["edge_index"][0], g["edge_index"][1], n)]
        self.clusters, self.sizes = [], []
        for lv in g["levels"]:
            self.adj.append(gcn_norm_csr(lv["edge_index"][0], lv["edge_index"][1], lv["num"], lv["edge_weight"]))
            cl = torch.from_numpy(lv["cluster"].astype(np.int64))
            self.clusters.append(cl)
            self.sizes.append(torch.bincount(cl, minlength=lv["num"]).clamp(min=1).to(torch.float32)[:, None])
        self.local = nn.ModuleList([GCNConv(f, HIDDEN_LOCAL), GCNConv(HIDDEN_LOCAL, c)])
        self.first = GCNConv(f, HIDDEN_GLOBAL)
        self.down = nn.ModuleList(GCNConv(HIDDEN_GLOBAL, HIDDEN_GLOBAL) for _ in g["levels"])
        self.up = nn.ModuleList(GCNConv(HIDDEN_GLOBAL, HIDDEN_GLOBAL) for _ in g["levels"])
        self.out = GCNConv(HIDDEN_GLOBAL, c)
        self.recon = nn.Linear(2 * c, 1)
        bound = math.sqrt(6 / (2 * c + 1))  # Glorot-uniform weight, zero bias (as our Linear)
        nn.init.uniform_(self.recon.weight, -bound, bound)
        nn.init.zeros_(self.recon.bias)
        self.edge_dst, self.edge_src = self.adj[0].rows(), torch.from_numpy(self.adj[0].col)
        labels = torch.from_numpy(g["labels"].astype(np.int64))
        self.lab_idx = torch.nonzero(labels >= 0).flatten()
        self.lab_y = labels[self.lab_idx]

    def sample(self, size, training):
        """Positions contrasted this step: None (all) up to contrastNodes, else that many drawn uniformly without
        replacement (evaluation: evenly spaced), as our CG3 does for L_uc and, over the labelled nodes, L_sc."""
        k = self.contrast
        if size <= k:
            return None
        if not training:
            return torch.arange(k) * size // k
        return torch.randperm(size)[:k].sort().values

    def views(self, training):
        h = F.dropout(torch.relu(self.local[0](self.x.dropped(DROPOUT, training), self.adj[0])), DROPOUT, training)
        z_local = unit_rows(self.local[1](h, self.adj[0]))
        h = torch.relu(self.first(self.x.dropped(DROPOUT, training), self.adj[0]))
        skips = [h]
        for l, cl in enumerate(self.clusters):
            pooled = torch.zeros(self.sizes[l].shape[0], h.shape[1]).index_add_(0, cl, h) / self.sizes[l]
            h = torch.relu(self.down[l](pooled, self.adj[l + 1]))
            skips.append(h)
        for l in range(len(self.clusters) - 1, -1, -1):
            h = torch.relu(self.up[l](h[self.clusters[l]] + skips[l], self.adj[l]))
        z_global = unit_rows(self.out(F.dropout(h, DROPOUT, training), self.adj[0]))
        return z_local, z_global

    def losses(self, training):
        zl, zg = self.views(training)
        pred = unit_rows(ALPHA * zl + (1 - ALPHA) * zg)
        ce = F.cross_entropy(pred[self.lab_idx], self.lab_y)
        ce_g = F.cross_entropy(zg[self.lab_idx], self.lab_y)
        pick = self.sample(self.n, training)
        cross = cross_view_loss(zl, zg) if pick is None else cross_view_loss(zl[pick], zg[pick])
        lab = self.sample(len(self.lab_idx), training)
        lab_idx, lab_y = (self.lab_idx, self.lab_y) if lab is None else (self.lab_idx[lab], self.lab_y[lab])
        sup = semi_supervised_loss(zl[lab_idx], zg[lab_idx], lab_y)
        w = self.recon.weight[0]
        a_l, a_g = zl @ w[: self.c], zg @ w[: self.c]
        b_l, b_g = zl @ w[self.c :], zg @ w[self.c :]
        s, d = self.edge_src, self.edge_dst
        logits = torch.cat([a_l[s] + b_g[d], a_g[s] + b_l[d]]) + self.recon.bias
        gen = F.softplus(-logits).mean()
        decay = WEIGHT_DECAY / 2 * self.local[0].weight.square().sum()
        total = ce + ce_g + W_UNSUP * cross + W_SUP * sup + W_RECON * gen + decay
        return total, {"ce": ce, "ceGlobal": ce_g, "crossView": cross, "supervised": sup, "generative": gen, "decay": decay}


def unit_rows(x):
    """x / sqrt(max(Σx², 1e-12)): TensorFlow's l2_normalize (CG3's code and ours), not F.normalize's max(‖x‖, ε)."""
    return x * x.square().sum(1, keepdim=True).clamp(min=1e-12).rsqrt()


def cross_view_loss(zl, zg):
    """Variant D: ½ Σ_dir −mean_i log(e^{s_ii} / mean_j e^{s_ij}), s = zL zGᵀ / τ."""
    s = zl @ zg.t() / TAU
    diag = s.diagonal()
    log_n = math.log(s.shape[0])
    d1 = (torch.logsumexp(s, 1) - log_n - diag).mean()
    d2 = (torch.logsumexp(s, 0) - log_n - diag).mean()
    return (d1 + d2) / 2


def semi_supervised_loss(zl, zg, y):
    same = y[:, None] == y[None, :]
    count = same.sum(1).to(zl.dtype)
    n = zl.shape[0]
    s = zl @ zg.t() / TAU

    def direction(m):
        log_mean_pos = torch.logsumexp(m.masked_fill(~same, float("-inf")), 1) - count.log()
        log_den = torch.logsumexp(m, 1) - math.log(n - 1)
        return -(log_mean_pos - log_den).mean()

    return (direction(s) + direction(s.t())) / 2


def main():
    n = arg("--nodes", int(os.environ.get("BENCH_NODES", "1000")))
    torch.manual_seed(arg("--seed", 0))
    g = load(graph_dir(n))
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = CG3(g)
    if "--check" in sys.argv:
        model.eval()
        with torch.no_grad():
            total_eval, parts = model.losses(False)
            total_train, _ = model.losses(True)
        print(json.dumps({"nodes": n, "trainLoss": total_train.item(), "evalLoss": total_eval.item(), **{k: v.item() for k, v in parts.items()}}))
        return
    opt = torch.optim.Adam(model.parameters(), lr=LR)

    def step():
        opt.zero_grad()
        loss, _ = model.losses(True)
        loss.backward()
        opt.step()
        loss.item()

    steps = arg("--steps", 5)
    median = measure(step, arg("--warmup", 1), steps)
    delta = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    meta = g["meta"]
    report("cg3-nodes", "opsPerSecond", 1, median, steps, {"nodes": n, "directedEdges": meta["numEdges"], "peakRssDeltaMB": delta})


if __name__ == "__main__":
    main()
