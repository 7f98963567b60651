"""Parity fixtures for JitParityTest: one forward pass and the parameter gradients of one v-loss step of
the baseline JiT block in PyTorch, on weights that the Java test loads into its own JiT.

The PyTorch model is ../shared/reference/jit_torch.py's JiT (the throughput anchor), with the exact
(erf) GELU that the Java JiT uses (gelu="none"). The size is small so the fixtures stay small (depth 2,
hidden 64, 4 heads); every weight, the zero-initialised ones included, is drawn N(0, 0.05^2) so that
every path carries signal. Inputs: 4 Fashion-MNIST-shaped samples (1 x 28 x 28), labels with the null
class, t in (0.05, 0.95).

The loss is the reference's x-prediction v-loss: v_pred = (x_pred - z) / max(1 - t, t_eps) against
v = (x - z) / max(1 - t, t_eps), mean over all elements, t_eps = 0.05.

Regenerate (from the repository root, with Debian's python3-torch and python3-numpy; the anchor's
folder is ../shared/reference, or pass its path):
  /usr/bin/python3 core/src/test/python/jit_parity.py [path/to/shared/reference]
It writes core/src/test/resources/parity/jit-p4.npz and jit-p28.npz (float32 arrays: "param.NAME",
"grad.NAME" with the reference's parameter names, and z, t, y, x, e, out, loss).
"""
import os
import sys

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
anchor = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "reference")
sys.path.insert(0, os.path.abspath(anchor))
import jit_torch  # noqa: E402

SIZE = "parity"
jit_torch.SIZES[SIZE] = (2, 64, 4)  # depth, hidden, heads (JitParityTest builds the same)
SHAPE = (1, 28, 28)
T_EPS = 0.05


def fixture(patch, seed):
    torch.manual_seed(seed)
    net = jit_torch.JiT(SHAPE, patch, SIZE, classes=10, bottleneck=16, gelu="none")
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
    b = 4
    x = torch.rand(b, *SHAPE, generator=g) * 2 - 1
    e = torch.randn(b, *SHAPE, generator=g)
    t = torch.tensor([0.1, 0.4, 0.7, 0.93])
    y = torch.tensor([1, 3, 10, 0])  # 10 = the null class
    tt = t[:, None, None, None]
    z = tt * x + (1 - tt) * e
    out = net(z, t, y)
    denom = (1 - tt).clamp(min=T_EPS)
    loss = (((out - z) / denom - (x - z) / denom) ** 2).mean()
    loss.backward()
    arrays = {"z": z, "t": t, "y": y, "x": x, "e": e, "out": out, "loss": loss}
    arrays = {k: v.detach().numpy() for k, v in arrays.items()}
    arrays["y"] = arrays["y"].astype(np.int64)
    for name, p in net.named_parameters():
        arrays["param." + name] = p.detach().numpy()
        arrays["grad." + name] = p.grad.numpy()
    path = os.path.join(root, "core", "src", "test", "resources", "parity", f"jit-p{patch}.npz")
    np.savez_compressed(path, **arrays)
    print(f"{path}: torch {torch.__version__}, {sum(p.numel() for p in net.parameters())} parameters, "
          f"loss {loss.item():.6f}")


fixture(4, 10)
fixture(28, 20)
