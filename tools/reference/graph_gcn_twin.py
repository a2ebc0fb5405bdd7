#!/usr/bin/python3
"""PyTorch twin of @contrastive/graph's node-classification protocol: a plain GCN and an MLP, for checking that
our GCN lands within a point of a PyTorch GCN on the same data and the same splits (issue 23).

Models (Kipf & Welling, ICLR 2017, as packages/graph/src/methods/gcn-baseline.ts):
  GCN: logits = Â (drop(relu(Â (drop(X) W₁) + b₁)) W₂) + b₂, Â = D^−½(A+I)D^−½ (undirected, one self-loop per node);
  MLP: the same without Â.
  Hidden 64, dropout 0.6 on both layer inputs (on sparse X: drop non-zeros, scale the rest by 1/(1−p)), softmax
  cross-entropy on the training nodes + 5e-4·½‖W₁‖² (first layer only), Adam lr 0.01, full batch, Glorot-uniform
  weights and zero biases.
Protocol: per split file, seed torch with the split's seed, train --epochs (200) epochs; after every epoch's step
evaluate (no dropout) on validation and test; keep the epoch with the highest validation accuracy (the first one
when tied) and report its test accuracy. Over all split files: mean ± std (population std, as our CLI's summary).

Data folder (the lead's CLI format):
  edges.txt     `u v` lines (comma, tab or whitespace; `#` comments), undirected; `v v` declares an isolated node.
                Node ids are names: the graph's nodes are the ids that occur, numbered in ascending order.
  labels.txt    `node label` lines; label values are names (classes numbered in ascending order); negative = unlabelled.
  features.txt  optional: header `# sparse features: N nodes, F features` (N must be the graph's; without it F = 1 +
                the largest index), then `node idx:value …` lines (idx 0-based in [0, F)); a node without a line, or
                with its id alone, has no non-zeros. Without the file: one-hot identity features
                (up to 5,000 nodes, as our CLI).
Split files: `<run>/splits/seed-<S>.json` = {"seed": S, "train": [ids], "validation": [ids], "test": [ids]} (file ids).

Usage (Debian's python3-torch):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas \\
    /usr/bin/python3 tools/reference/graph_gcn_twin.py --data DIR --splits RUN_DIR [--model gcn|mlp|both] [--epochs 200]
  /usr/bin/python3 tools/reference/graph_gcn_twin.py --self-test     (tiny synthetic folder + split files, asserts)
  /usr/bin/python3 tools/reference/graph_gcn_twin.py --write-tiny DIR   (that folder, e.g. to run our CLI on it)
Prints one JSON object on stdout; progress goes to stderr. --splits takes the run folder or its splits/ folder.
Options: --hidden 64 --dropout 0.6 --weight-decay 5e-4 --lr 0.01 --threads 2.
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
MAX_IDENTITY_NODES = 5000
HEADER = re.compile(r"^#\s*sparse features:\s*(\d+)\s*nodes?\s*,\s*(\d+)\s*features?\s*$", re.I)


class DataError(Exception):
    """A malformed input file; the message names file:line."""


# ----------------------------------------------------------------------------------------------- reading


def data_rows(path):
    """(line number, cells) of the non-blank, non-comment lines; delimiter from the first such line, like readTable."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    first = next((l for l in lines if l.strip() and not l.startswith("#")), None)
    if first is None:
        return []
    delim = "," if "," in first else "\t" if "\t" in first else None
    out = []
    for i, l in enumerate(lines, 1):
        if not l.strip() or l.startswith("#"):
            continue
        out.append((i, l.strip().split() if delim is None else [c.strip() for c in l.split(delim)]))
    return out


def int_cell(c):
    return int(c) if re.fullmatch(r"-?\d+", c or "") else None


def read_graph(folder):
    """Nodes (sorted file ids), undirected edge pairs (indices, no self-loops, deduplicated), labels, classes."""
    epath = os.path.join(folder, "edges.txt")
    pairs, ids = [], set()
    for line, cells in data_rows(epath):
        a = int_cell(cells[0]) if cells else None
        b = int_cell(cells[1]) if len(cells) > 1 else None
        if a is None or b is None or a < 0 or b < 0:
            raise DataError(f"{epath}:{line}: expected two non-negative integer node ids, got '{' '.join(cells)}'")
        pairs.append((a, b))
        ids.update((a, b))
    if not pairs:
        raise DataError(f"{epath}: no edges (empty graph)")
    node_ids = sorted(ids)
    index = {v: i for i, v in enumerate(node_ids)}
    edges = {(min(index[a], index[b]), max(index[a], index[b])) for a, b in pairs if a != b}
    lpath = os.path.join(folder, "labels.txt")
    given = {}
    rows = data_rows(lpath)
    if rows and (int_cell(rows[0][1][0]) is None) and any(re.fullmatch(r"(node|id|label|class)", c, re.I) for c in rows[0][1]):
        rows = rows[1:]  # a header row
    for line, cells in rows:
        node = int_cell(cells[0]) if cells else None
        y = int_cell(cells[1]) if len(cells) > 1 else None
        if node is None or y is None or node not in index:
            raise DataError(f"{lpath}:{line}: expected 'node label' with a node id of {epath} and an integer label, got '{' '.join(cells)}'")
        given[index[node]] = y
    values = sorted({y for y in given.values() if y >= 0})
    if len(values) < 2:
        raise DataError(f"{lpath}: labelled nodes of {len(values)} class(es); node classification needs at least two")
    cls = {v: c for c, v in enumerate(values)}
    labels = np.full(len(node_ids), -1, np.int64)
    for i, y in given.items():
        labels[i] = cls[y] if y >= 0 else -1
    return node_ids, index, sorted(edges), labels, len(values)


def read_features(folder, index):
    """Sparse features as CSR parts (crow, col, val, F), or None when features.txt is absent."""
    path = os.path.join(folder, "features.txt")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    nf, rows = None, {}
    for i, l in enumerate(lines, 1):
        t = l.strip()
        if not t:
            continue
        if t.startswith("#"):
            m = HEADER.match(t)
            if m is None:
                continue
            if rows:
                raise DataError(f"{path}:{i}: the sparse features header must come before the first row")
            nf = int(m.group(2))
            if int(m.group(1)) != len(index):
                raise DataError(f"{path}:{i}: the header declares {m.group(1)} nodes, the graph has {len(index)}")
            continue
        cells = t.split()
        node = int_cell(cells[0])
        if node is None or node not in index:
            raise DataError(f"{path}:{i}: '{cells[0]}' is not a node id of edges.txt")
        if index[node] in rows:
            raise DataError(f"{path}:{i}: a second line for node {node}")
        entries = {}
        for c in cells[1:]:
            k, _, v = c.partition(":")
            j = int_cell(k)
            try:
                x = float(v)
            except ValueError:
                x = math.nan
            if j is None or j < 0 or (nf is not None and j >= nf) or not math.isfinite(x):
                bound = f" in [0, {nf - 1}]" if nf is not None else " >= 0"
                raise DataError(f"{path}:{i}: expected idx:value with an integer idx{bound} and a finite value, got '{c}'")
            if j in entries:
                raise DataError(f"{path}:{i}: feature {j} given twice")
            entries[j] = x
        rows[index[node]] = sorted(entries.items())
    if nf is None:  # no header: F = 1 + the largest index, as our reader
        nf = 1 + max((j for r in rows.values() for j, _ in r), default=0)
    crow, col, val = [0], [], []
    for r in range(len(index)):
        for j, x in rows.get(r, []):
            col.append(j)
            val.append(x)
        crow.append(len(col))
    return np.array(crow, np.int64), np.array(col, np.int64), np.array(val, np.float32), nf


def read_splits(path, index, labels):
    folder = os.path.join(path, "splits") if os.path.isdir(os.path.join(path, "splits")) else path
    files = sorted(glob.glob(os.path.join(folder, "seed-*.json")), key=lambda p: int(re.findall(r"seed-(-?\d+)", p)[-1]))
    if not files:
        raise DataError(f"{folder}: no seed-<S>.json split files")
    out = []
    for p in files:
        with open(p, encoding="utf-8") as f:
            try:
                s = json.load(f)
            except json.JSONDecodeError as err:
                raise DataError(f"{p}:{err.lineno}: not valid JSON ({err.msg})") from None
        if not isinstance(s, dict):
            raise DataError(f"{p}: expected an object {{seed, train, validation, test}}")
        parts = {}
        for k in ("train", "validation", "test"):
            ids = s.get(k)
            if not isinstance(ids, list) or not ids:
                raise DataError(f"{p}: '{k}' must be a non-empty list of node ids")
            bad = [v for v in ids if v not in index or labels[index[v]] < 0]
            if bad:
                raise DataError(f"{p}: '{k}' has {len(bad)} id(s) that are not labelled nodes of the graph, e.g. {bad[0]}")
            parts[k] = torch.tensor([index[v] for v in ids])
        if len(set(parts["train"].tolist()) | set(parts["validation"].tolist()) | set(parts["test"].tolist())) != sum(
            len(v) for v in parts.values()
        ):
            raise DataError(f"{p}: train, validation and test overlap")
        if not isinstance(s.get("seed"), int):
            raise DataError(f"{p}: 'seed' must be an integer")
        out.append((s["seed"], parts))
    return out


# -------------------------------------------------------------------------------------------------- math


class _CsrMatMul(torch.autograd.Function):
    """A·h with the gradient Aᵀ·dy from the precomputed transpose (torch would re-sort A on every backward)."""

    @staticmethod
    def forward(ctx, h, op):
        ctx.op = op
        return op.a @ h

    @staticmethod
    def backward(ctx, dy):
        return ctx.op.at @ dy, None


class CsrOperand:
    """A constant sparse matrix A [R, C] (torch CSR) with its transpose precomputed, as our SparseOperand: `A @ h`
    is differentiable w.r.t. the dense h only (A is data: Â, or the node features). `dropped(p, training)` is
    Kipf & Welling's sparse dropout: each stored non-zero is zeroed with probability p, the rest scaled 1/(1−p)."""

    def __init__(self, crow, col, val, shape, _transpose=None):
        crow, col = np.asarray(crow, np.int64), np.asarray(col, np.int64)
        self.crow, self.col, self.val, self.shape = crow, col, torch.as_tensor(val, dtype=torch.float32), shape
        if _transpose is None:
            rows = np.repeat(np.arange(shape[0]), np.diff(crow))
            perm = np.lexsort((rows, col))  # by column, then row: the transpose's CSR order
            t_crow = np.concatenate([[0], np.cumsum(np.bincount(col, minlength=shape[1]))])
            _transpose = (torch.from_numpy(t_crow), torch.from_numpy(rows[perm]), torch.from_numpy(perm))
        self.t_crow, self.t_col, self.perm = _transpose
        self.a = torch.sparse_csr_tensor(torch.from_numpy(crow), torch.from_numpy(col), self.val, shape)
        self.at = torch.sparse_csr_tensor(self.t_crow, self.t_col, self.val[self.perm], (shape[1], shape[0]))

    def __matmul__(self, h):
        return _CsrMatMul.apply(h, self)

    def rows(self):
        """Row of every stored non-zero (CSR order)."""
        return torch.from_numpy(np.repeat(np.arange(self.shape[0]), np.diff(self.crow)))

    def dense(self):
        return self.a.to_dense()

    def dropped(self, p, training):
        if not training or p == 0:
            return self
        keep = (torch.rand_like(self.val) >= p).to(self.val.dtype) / (1 - p)
        return CsrOperand(self.crow, self.col, self.val * keep, self.shape, (self.t_crow, self.t_col, self.perm))


def gcn_norm_csr(src, dst, n, weight=None):
    """Â = D^−½(A+I)D^−½ as a CsrOperand [n, n] (row = message target), from directed edges src → dst (store both
    directions for an undirected graph): existing self-loops are dropped and one weight-1 self-loop per node
    added; d counts the incoming weights including the self-loop (PyG gcn_norm, our gcnNorm)."""
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    keep = src != dst
    w = np.ones(int(keep.sum())) if weight is None else np.asarray(weight, np.float64)[keep]
    src = np.concatenate([src[keep], np.arange(n)])
    dst = np.concatenate([dst[keep], np.arange(n)])
    w = np.concatenate([w, np.ones(n)])
    deg = np.bincount(dst, weights=w, minlength=n)
    w = w / np.sqrt(deg[src] * deg[dst])
    coo = torch.sparse_coo_tensor(torch.from_numpy(np.stack([dst, src])), torch.from_numpy(w.astype(np.float32)), (n, n)).coalesce()
    csr = coo.to_sparse_csr()
    return CsrOperand(csr.crow_indices().numpy(), csr.col_indices().numpy(), csr.values(), (n, n))


def glorot(fan_in, fan_out):
    lim = math.sqrt(6 / (fan_in + fan_out))
    return torch.nn.Parameter(torch.empty(fan_in, fan_out).uniform_(-lim, lim))


class TwoLayer(torch.nn.Module):
    """GCN (with Â) or MLP (adj None): X → hidden (ReLU) → C, dropout on both layer inputs."""

    def __init__(self, nf, hidden, nc, adj, dropout):
        super().__init__()
        self.w1, self.b1 = glorot(nf, hidden), torch.nn.Parameter(torch.zeros(hidden))
        self.w2, self.b2 = glorot(hidden, nc), torch.nn.Parameter(torch.zeros(nc))
        self.adj, self.p = adj, dropout

    def prop(self, h):
        return h if self.adj is None else self.adj @ h

    def forward(self, x):
        h = torch.relu(self.prop(x.dropped(self.p, self.training) @ self.w1) + self.b1)
        h = F.dropout(h, self.p, self.training)
        return self.prop(h @ self.w2) + self.b2


def run_split(kind, x, adj, nc, labels, seed, parts, args):
    """Trains one model on one split; returns its best-validation epoch's accuracies."""
    torch.manual_seed(seed)
    model = TwoLayer(x.shape[1], args.hidden, nc, adj if kind == "gcn" else None, args.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    y = torch.from_numpy(labels)
    tr, va, te = parts["train"], parts["validation"], parts["test"]
    best = (-1.0, 0.0, -1)
    for epoch in range(args.epochs):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x)[tr], y[tr]) + args.weight_decay / 2 * model.w1.square().sum()
        if not torch.isfinite(loss):
            raise FloatingPointError(f"{kind} seed {seed}: non-finite loss at epoch {epoch}")
        loss.backward()
        opt.step()
        if (epoch + 1) % getattr(args, "eval_every", 1) != 0 and epoch + 1 != args.epochs:
            continue  # scored every --eval-every epochs and after the last, as the CLI's --eval-every
        model.eval()
        with torch.no_grad():
            pred = model(x).argmax(1)
        val = (pred[va] == y[va]).float().mean().item()
        test = (pred[te] == y[te]).float().mean().item()
        if val > best[0]:
            best = (val, test, epoch + 1)  # 1-based: after that many epochs, as our CLI reports
    return {"seed": seed, "validation": best[0], "test": best[1], "bestEpoch": best[2]}


def evaluate(args):
    t0 = time.perf_counter()
    torch.set_num_threads(args.threads)
    node_ids, index, edges, labels, nc = read_graph(args.data)
    n = len(node_ids)
    feats = read_features(args.data, index)
    if feats is None:
        if n > MAX_IDENTITY_NODES:
            raise DataError(f"{args.data}: no features.txt and {n} nodes; identity features are built only up to {MAX_IDENTITY_NODES}")
        feats = (np.arange(n + 1), np.arange(n), np.ones(n, np.float32), n)
    crow, col, val, nf = feats
    x = CsrOperand(crow, col, val, (n, nf))
    e = np.array(edges, np.int64).reshape(-1, 2)
    adj = gcn_norm_csr(np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]]), n)
    splits = read_splits(args.splits, index, labels)
    out = {
        "data": args.data,
        "splits": args.splits,
        "nodes": n,
        "edges": len(edges),
        "features": nf,
        "classes": nc,
        "epochs": args.epochs,
        "settings": {"hidden": args.hidden, "dropout": args.dropout, "weightDecay": args.weight_decay, "lr": args.lr},
        "protocol": "best-validation epoch (first maximum), its test accuracy; mean and population std over split files",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    for kind in ("gcn", "mlp") if args.model == "both" else (args.model,):
        runs = []
        for seed, parts in splits:
            r = run_split(kind, x, adj, nc, labels, seed, parts, args)
            print(f"{kind} seed {seed}: test {r['test']:.4f} at epoch {r['bestEpoch']} (validation {r['validation']:.4f})", file=sys.stderr)
            runs.append(r)
        tests = [r["test"] for r in runs]
        out[kind] = {"accuracy": statistics.fmean(tests), "accuracyStd": statistics.pstdev(tests), "perSeed": runs}
    out["seconds"] = round(time.perf_counter() - t0, 2)
    return out


# ---------------------------------------------------------------------------------------------- self-test


def write_tiny(folder, n=90, nc=3, seed=0):
    """A 3-class planted-partition graph with informative sparse features and non-contiguous ids (10·i + 5), one
    isolated node declared by `v v`, and two split files; returns the expected node and edge counts."""
    rng = np.random.default_rng(seed)
    cls = np.arange(n) % nc
    fid = lambda i: 10 * i + 5  # noqa: E731
    pairs = set()
    while len(pairs) < 3 * n:
        a, b = rng.integers(n - 1, size=2)  # node n-1 stays isolated
        if a != b and (cls[a] == cls[b] or rng.random() < 0.1):
            pairs.add((min(a, b), max(a, b)))
    with open(os.path.join(folder, "edges.txt"), "w") as f:
        f.write("# tiny block model\n" + "".join(f"{fid(a)} {fid(b)}\n" for a, b in sorted(pairs)) + f"{fid(n - 1)} {fid(n - 1)}\n")
    with open(os.path.join(folder, "labels.txt"), "w") as f:
        f.write("".join(f"{fid(i)} {100 + 7 * cls[i]}\n" for i in range(n)))  # label values are names: 100, 107, 114
    nf = 30
    with open(os.path.join(folder, "features.txt"), "w") as f:
        f.write(f"# sparse features: {n} nodes, {nf} features\n")
        for i in range(n):
            words = sorted({int(rng.integers(10)) + 10 * cls[i] if rng.random() < 0.6 else int(rng.integers(nf)) for _ in range(5)})
            f.write(f"{fid(i)} " + " ".join(f"{w}:1" for w in words) + "\n")
    os.makedirs(os.path.join(folder, "splits"))
    for s in (0, 1):
        perm = np.random.default_rng(100 + s).permutation(n)
        train = []
        for c in range(nc):
            train += [int(fid(i)) for i in perm if cls[i] == c][:5]
        rest = [int(fid(i)) for i in perm if int(fid(i)) not in set(train)]
        with open(os.path.join(folder, "splits", f"seed-{s}.json"), "w") as f:
            json.dump({"seed": s, "train": train, "validation": rest[:30], "test": rest[30:]}, f)
    return n, len(pairs)


def self_test():
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as d:
        n, m = write_tiny(d)
        node_ids, index, edges, labels, nc = read_graph(d)
        assert len(node_ids) == n and len(edges) == m and nc == 3, (len(node_ids), len(edges), nc)
        assert node_ids[-1] == 10 * (n - 1) + 5 and labels[index[15]] == 1, "ids and label values are names"
        crow, col, val, nf = read_features(d, index)
        assert nf == 30 and crow[-1] == len(col) == len(val) and np.all(np.diff(crow) > 0)
        e = np.array(edges).reshape(-1, 2)
        adj = gcn_norm_csr(np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]], n).dense()
        deg = torch.from_numpy(np.bincount(e.ravel(), minlength=n) + 1).float()
        assert torch.allclose(adj, adj.t()) and torch.allclose(adj.diagonal(), 1 / deg), "Â = D^-1/2 (A+I) D^-1/2"
        assert adj[n - 1].sum().item() == 1.0, "the isolated node has only its self-loop"
        x = CsrOperand(crow, col, val, (n, nf))
        torch.manual_seed(0)
        kept = x.dropped(0.5, True)
        assert torch.allclose(kept.at.to_dense(), kept.dense().t()), "the transpose follows the dropped values"
        kept = kept.dense()
        nz = torch.from_numpy(val).numel()
        assert set(kept[kept != 0].unique().tolist()) <= {2.0} and 0.3 * nz < (kept != 0).sum() < 0.7 * nz, "sparse dropout"
        args = argparse.Namespace(data=d, splits=d, model="both", epochs=60, hidden=16, dropout=0.5, weight_decay=5e-4, lr=0.01, threads=2)
        out = evaluate(args)
        assert [r["seed"] for r in out["gcn"]["perSeed"]] == [0, 1]
        assert out["gcn"]["accuracy"] > 0.8, out["gcn"]
        assert out["mlp"]["accuracy"] > 0.45, out["mlp"]  # chance is 1/3; features carry the class
        for r in out["gcn"]["perSeed"] + out["mlp"]["perSeed"]:
            assert 1 <= r["bestEpoch"] <= 60 and 0 <= r["test"] <= 1
        with open(os.path.join(d, "features.txt"), "a") as f:
            f.write("15 3:1 40:2\n")
        try:
            read_features(d, index)
            raise AssertionError("a bad features line was accepted")
        except DataError as err:
            assert f"features.txt:{n + 2}:" in str(err), err
    print(json.dumps({"selfTest": "ok", "gcn": out["gcn"]["accuracy"], "mlp": out["mlp"]["accuracy"], "seconds": out["seconds"]}))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", help="folder with edges.txt, labels.txt and optional features.txt")
    p.add_argument("--splits", help="run folder (with splits/) or the splits folder with seed-<S>.json files")
    p.add_argument("--model", choices=("gcn", "mlp", "both"), default="both")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--eval-every", type=int, default=1, help="score every N epochs and after the last (the CLI's --eval-every)")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--dropout", type=float, default=0.6)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--self-test", action="store_true")
    p.add_argument("--write-tiny", metavar="DIR", help="write the self-test's 90-node data folder (and splits/) to DIR (new or empty)")
    args = p.parse_args()
    if args.self_test:
        return self_test()
    if args.write_tiny:
        if os.path.exists(args.write_tiny) and os.listdir(args.write_tiny):
            p.error(f"--write-tiny: {args.write_tiny} is not empty")
        os.makedirs(args.write_tiny, exist_ok=True)
        n, m = write_tiny(args.write_tiny)
        return print(json.dumps({"wrote": args.write_tiny, "nodes": n, "edges": m}))
    if not args.data or not args.splits:
        p.error("--data DIR and --splits RUN_DIR are required (or --self-test)")
    if args.epochs < 1 or args.hidden < 1 or not 0 <= args.dropout < 1:
        p.error("--epochs and --hidden must be >= 1 and --dropout in [0, 1)")
    try:
        print(json.dumps(evaluate(args)))
    except (DataError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
