"""Golden values for @contrastive/vision's CTC loss (packages/vision/src/sequence/ctc.ts), from PyTorch.

`torch.nn.functional.ctc_loss` (Graves et al., ICML 2006) on log_softmax(logits) in float64, for logits laid
out [N, T, C] as the TypeScript API takes them (PyTorch's own layout is [T, N, C]). Each case records the
loss (per reduction) and the gradient of the reduced loss (of its sum for reduction='none') w.r.t. the
logits, through the log-softmax. Cases: repeated labels (a blank is needed between them), varying target
and input lengths, an empty target, a non-zero blank index, an infeasible alignment (input too short for the
target with its repeats: loss inf, gradient NaN) with and without zero_infinity, and each reduction.
Non-finite numbers are written as the strings "inf", "-inf", "nan" (JSON has no literal for them).

Writes packages/vision/src/sequence/__fixtures__/ctc-loss.json.
Run with Debian's PyTorch:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tools/reference/ctc_loss.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(26)


def finite_or_str(x):
    if isinstance(x, list):
        return [finite_or_str(v) for v in x]
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def case(name, n, t, c, targets, input_lengths=None, blank=0, reduction="mean", zero_infinity=False, scale=2.0):
    logits = (torch.randn(n, t, c, dtype=torch.float64) * scale).requires_grad_(True)
    if input_lengths is None:
        input_lengths = [t] * n
    lmax = max([len(x) for x in targets] + [1])
    padded = torch.full((n, lmax), blank if blank != 0 else 0, dtype=torch.long)
    for i, tg in enumerate(targets):
        if tg:
            padded[i, : len(tg)] = torch.tensor(tg, dtype=torch.long)
    log_probs = F.log_softmax(logits, dim=2).transpose(0, 1)  # [T, N, C]
    loss = F.ctc_loss(
        log_probs,
        padded,
        torch.tensor(input_lengths, dtype=torch.long),
        torch.tensor([len(x) for x in targets], dtype=torch.long),
        blank=blank,
        reduction=reduction,
        zero_infinity=zero_infinity,
    )
    loss.sum().backward()
    value = loss.tolist()
    return {
        "name": name,
        "inputs": {"logits": logits.detach().tolist()},
        "options": {
            "targets": targets,
            "inputLengths": input_lengths,
            "blank": blank,
            "reduction": reduction,
            "zeroInfinity": zero_infinity,
        },
        "value": finite_or_str(value if isinstance(value, list) else value),
        "grads": {"logits": finite_or_str(logits.grad.tolist())},
    }


cases = []
mixed = [[1, 2], [3, 3], [2], [4, 1, 4]]  # a repeat (3,3) needs a blank between the two 3s
for red in ["mean", "sum", "none"]:
    cases.append(case(f"mixed lengths, {red}", 4, 7, 5, mixed, reduction=red))
cases.append(case("input lengths < T", 4, 8, 5, mixed, input_lengths=[8, 5, 3, 6], reduction="none"))
cases.append(case("all repeats, tight (T = 2L-1)", 2, 5, 3, [[1, 1, 1], [2, 2, 2]], reduction="none"))
cases.append(case("empty target and single frame", 3, 4, 4, [[], [2], [3, 1]], input_lengths=[4, 1, 2], reduction="none"))
cases.append(case("blank = C-1", 3, 6, 5, [[0, 1], [2, 2], [3, 0, 1]], blank=4, reduction="mean"))
# infeasible: [2,2,2] needs 5 frames (2 _ 2 _ 2); input length 4
cases.append(case("infeasible, none", 2, 6, 4, [[2, 2, 2], [1, 3]], input_lengths=[4, 6], reduction="none"))
cases.append(case("infeasible, mean, zeroInfinity", 2, 6, 4, [[2, 2, 2], [1, 3]], input_lengths=[4, 6], reduction="mean", zero_infinity=True))
cases.append(case("infeasible, sum, zeroInfinity", 2, 6, 4, [[2, 2, 2], [1, 3]], input_lengths=[4, 6], reduction="sum", zero_infinity=True))
# a larger random batch: sharp logits (scale 4) exercise the log-space sums
g = torch.Generator().manual_seed(7)
big_targets = []
for _ in range(5):
    length = int(torch.randint(1, 9, (1,), generator=g))
    big_targets.append([int(v) for v in torch.randint(1, 12, (length,), generator=g)])
cases.append(case("random batch, sharp logits", 5, 24, 12, big_targets, input_lengths=[24, 20, 24, 17, 22], reduction="mean", scale=4.0))

path = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "vision", "src", "sequence", "__fixtures__", "ctc-loss.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=0, allow_nan=False)
print("wrote", os.path.normpath(path), len(cases), "cases")
for cs in cases:
    print(cs["name"], cs["value"])
