#!/usr/bin/python3
"""Golden fixtures for GRCL (@contrastive/losses, packages/losses/src/grcl).

Run with Debian's PyTorch (not the pyenv python on PATH):

    /usr/bin/python3 tools/reference/losses_grcl.py

GRCL (Tang, Su, Chen & Ouyang, AAAI 2021) has no official code. Its update is a GEM-style projection
(Lopez-Paz & Ranzato, NeurIPS 2017):  min_x 1/2 |g - x|^2  s.t.  G x >= 0.  This script solves it
*independently* of the TypeScript dual solver, by brute force over the active sets: for every subset S of
the constraints, the projection of g onto the subspace {x : G_S x = 0} (via an orthonormal basis of the
row space of G_S, so dependent rows are fine); the feasible candidate nearest to g is the solution
(the optimum is the projection onto the subspace of its own active set, and it is unique).

Two fixture kinds, written to packages/losses/src/grcl/__fixtures__/grcl.json:
  * "projections": random (g, G) cases incl. edge cases (nothing violated, k > P, duplicate and zero rows);
  * "method": a tiny model (Dense(6->4, tanh) encoder, linear 4->3 classifier), one GRCL step's losses
    (InfoNCE with a queue, source CE, two memory CEs), their flattened gradients in the TypeScript
    variable order [encoder kernel, encoder bias, classifier kernel, classifier bias], g, G and g~.
Inputs are rounded to float32 (what TypeScript reads); the maths runs in float64.
"""
import itertools
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'losses', 'src', 'grcl', '__fixtures__')
RNG = np.random.default_rng(20210323)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def project_brute_force(g, G):
    """Exact min 1/2|g-x|^2 s.t. Gx >= 0 by enumerating active sets."""
    k = G.shape[0]
    if k == 0 or np.all(G @ g >= 0):
        return g.copy(), False
    best, best_d = None, np.inf
    for r in range(0, k + 1):
        for S in itertools.combinations(range(k), r):
            x = g.copy()
            if S:
                # orthonormal basis of the row space of G_S (drop dependent rows)
                q, s, _ = np.linalg.svd(G[list(S)].T, full_matrices=False)
                basis = q[:, s > 1e-10 * max(1.0, s.max(initial=0))]
                x = g - basis @ (basis.T @ g)
            if np.all(G @ x >= -1e-9):
                d = np.sum((x - g) ** 2)
                if d < best_d - 1e-15:
                    best, best_d = x, d
    return best, True


def projection_case(name, g, G):
    g, G = f32(g), f32(G)
    x, projected = project_brute_force(g, G)
    return {'name': name, 'g': g.tolist(), 'G': G.tolist(), 'projected': projected, 'expected': x.tolist()}


def projection_cases():
    cases = []
    g = RNG.normal(size=5)
    G = RNG.normal(size=(2, 5))
    G = G * np.sign(G @ g)[:, None]  # every <g, g_k> > 0: nothing violated
    cases.append(projection_case('no-violation', g, G))
    g = RNG.normal(size=4)
    cases.append(projection_case('single-violated', g, -(g + 0.3 * RNG.normal(size=4))[None, :]))
    for i, (k, p) in enumerate([(3, 6), (4, 8), (2, 3), (5, 7)]):
        for _ in range(100):
            g, G = RNG.normal(size=p), RNG.normal(size=(k, p))
            if np.sum(G @ g < 0) >= 2:
                break
        cases.append(projection_case(f'random-k{k}-p{p}-{i}', g, G))
    g, G = RNG.normal(size=3), RNG.normal(size=(5, 3))  # more constraints than dimensions
    if not np.any(G @ g < 0):
        G[0] = -G[0]
    cases.append(projection_case('k5-p3', g, G))
    g = RNG.normal(size=4)
    row = -(g + 0.5 * RNG.normal(size=4))
    cases.append(projection_case('duplicate-and-zero-rows', g, np.stack([row, row, np.zeros(4), RNG.normal(size=4)])))
    g = RNG.normal(size=4)
    a = -(g + 0.2 * RNG.normal(size=4))
    cases.append(projection_case('opposite-rows', g, np.stack([a, -a])))  # feasible set is a subspace
    return cases


def method_case():
    n, din, d, c, kq, m = 5, 6, 4, 3, 7, 4
    tau, lam = 0.2, 1.0
    t = lambda a: torch.tensor(f32(a))
    W1, b1 = t(RNG.normal(size=(din, d)) * 0.5), t(RNG.normal(size=d) * 0.1)
    Wc, bc = t(RNG.normal(size=(d, c)) * 0.5), t(RNG.normal(size=c) * 0.1)
    v1, v2 = t(RNG.normal(size=(n, din))), t(RNG.normal(size=(n, din)))
    queue = t(RNG.normal(size=(kq, d)))
    xs = t(RNG.normal(size=(6, din)))
    ys = [0, 1, 2, 0, 1, 2]
    mem = [xs[:m].clone(), t(RNG.normal(size=(m, din)))]
    mem_y = [[(y + 1) % c for y in ys[:m]], [2, 0, 1, 1]]  # memory 0 contradicts the source labels
    params = [p.clone().requires_grad_(True) for p in (W1, b1, Wc, bc)]

    def enc(x, P):
        return torch.tanh(x @ P[0] + P[1])

    def ce(x, y, P):
        return F.cross_entropy(enc(x, P) @ P[2] + P[3], torch.tensor(y))

    def contrastive(P):
        q = F.normalize(enc(v1, P), dim=1)
        k = F.normalize(enc(v2, P), dim=1).detach()
        neg = F.normalize(queue, dim=1)
        logits = torch.cat([(q * k).sum(1, keepdim=True), q @ neg.T], 1) / tau
        return F.cross_entropy(logits, torch.zeros(n, dtype=torch.long))

    def flat(loss):
        gs = torch.autograd.grad(loss, params, allow_unused=True)
        return torch.cat([(gg if gg is not None else torch.zeros_like(p)).reshape(-1) for gg, p in zip(gs, params)])

    l_con, l_src = contrastive(params), ce(xs, ys, params)
    l_mem = [ce(mem[j], mem_y[j], params) for j in range(2)]
    g_con, g_src = flat(l_con), flat(l_src)
    g_mem = [flat(l) for l in l_mem]
    g = (g_con + lam * g_src).detach().numpy()
    G = torch.stack([g_src] + g_mem).detach().numpy()
    x, projected = project_brute_force(g, G)
    print('method case: <g, g_k> =', G @ g, 'projected =', projected)
    return {
        'sizes': {'n': n, 'inputDim': din, 'featureDim': d, 'numClasses': c, 'queueSize': kq, 'memorySize': m},
        'temperature': tau,
        'sourceWeight': lam,
        'weights': {'encoderKernel': W1.tolist(), 'encoderBias': b1.tolist(), 'classifierKernel': Wc.tolist(), 'classifierBias': bc.tolist()},
        'views': [v1.tolist(), v2.tolist()],
        'queue': queue.tolist(),
        'source': {'x': xs.tolist(), 'labels': ys},
        'memories': [{'x': mem[j].tolist(), 'labels': mem_y[j]} for j in range(2)],
        'losses': {'contrastive': l_con.item(), 'source': l_src.item(), 'memories': [l.item() for l in l_mem]},
        'objective': g.tolist(),
        'constraints': G.tolist(),
        'projected': projected,
        'expected': x.tolist(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    data = {'projections': projection_cases(), 'method': method_case()}
    path = os.path.join(OUT, 'grcl.json')
    with open(path, 'w') as fh:
        json.dump(data, fh, indent=1)
        fh.write('\n')
    print('wrote', os.path.relpath(path), 'with', len(data['projections']), 'projection cases')


if __name__ == '__main__':
    main()
