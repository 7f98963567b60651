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
  /usr/bin/python3 science/src/test/python/jit_parity.py [path/to/shared/reference]
It writes science/src/test/resources/parity/jit-p4.npz, jit-p28.npz (the baseline block) and
jit-paper-p4.npz, jit-paper-p16.npz (the paper's block) (float32 arrays: "param.NAME",
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
    path = os.path.join(root, "science", "src", "test", "resources", "parity", f"jit-p{patch}.npz")
    np.savez_compressed(path, **arrays)
    print(f"{path}: torch {torch.__version__}, {sum(p.numel() for p in net.parameters())} parameters, "
          f"loss {loss.item():.6f}")


fixture(4, 10)
fixture(28, 20)


# ---------------------------------------------------------------------------------------------------
# The paper's JiT (RMSNorm, SwiGLU, qk-norm, 2-D RoPE, in-context class tokens), written here after the
# official code's model_jit.py and util/model_util.py (that repository is not installable here), with its
# parameter names, which the Java JiT uses too: JitParityTest loads these weights by name.

import math
import torch.nn as nn
import torch.nn.functional as F


def rms_norm(x, weight, eps=1e-6):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_half(x):
    x = x.reshape(*x.shape[:-1], -1, 2)
    return torch.stack((-x[..., 1], x[..., 0]), dim=-1).flatten(-2)


def rope_tables(side, head_dim, prefix, theta=10000.0):
    dim = head_dim // 2
    freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: dim // 2].float() / dim))
    f = torch.arange(side).float()[:, None] * freqs[None]          # [S, dim/2]
    f = f.repeat_interleave(2, -1)                                   # [S, dim], pairs interleaved
    f = torch.cat([f[:, None, :].expand(side, side, dim), f[None, :, :].expand(side, side, dim)], -1)
    f = f.reshape(side * side, head_dim)
    cos, sin = f.cos(), f.sin()
    if prefix:
        cos = torch.cat([torch.ones(prefix, head_dim), cos]); sin = torch.cat([torch.zeros(prefix, head_dim), sin])
    return cos, sin


def sincos_official(side, dim):
    """get_2d_sincos_pos_embed: the first half of the channels encodes the column, the second the row"""
    def one_d(pos, d):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2))
        out = pos.double()[:, None] * omega[None]
        return torch.cat([out.sin(), out.cos()], 1)
    rows, cols = torch.meshgrid(torch.arange(side), torch.arange(side), indexing="ij")
    return torch.cat([one_d(cols.flatten(), dim // 2), one_d(rows.flatten(), dim // 2)], 1).float()


class PaperBlock(nn.Module):
    def __init__(self, h, heads):
        super().__init__()
        self.heads, hd, m = heads, h // heads, int(4 * h * 2 / 3)
        self.norm1 = nn.Module(); self.norm1.weight = nn.Parameter(torch.ones(h))
        self.attn = nn.Module()
        self.attn.qkv = nn.Linear(h, 3 * h)
        self.attn.q_norm = nn.Module(); self.attn.q_norm.weight = nn.Parameter(torch.ones(hd))
        self.attn.k_norm = nn.Module(); self.attn.k_norm.weight = nn.Parameter(torch.ones(hd))
        self.attn.proj = nn.Linear(h, h)
        self.norm2 = nn.Module(); self.norm2.weight = nn.Parameter(torch.ones(h))
        self.mlp = nn.Module(); self.mlp.w12 = nn.Linear(h, 2 * m); self.mlp.w3 = nn.Linear(m, h)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(h, 6 * h))

    def forward(self, x, c, cos, sin):
        s1, sc1, g1, s2, sc2, g2 = self.adaLN_modulation(c).chunk(6, -1)
        b, n, h = x.shape
        y = rms_norm(x, self.norm1.weight) * (1 + sc1[:, None]) + s1[:, None]
        q, k, v = self.attn.qkv(y).reshape(b, n, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        q, k = rms_norm(q, self.attn.q_norm.weight), rms_norm(k, self.attn.k_norm.weight)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        a = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(h // self.heads), -1) @ v
        x = x + g1[:, None] * self.attn.proj(a.transpose(1, 2).reshape(b, n, h))
        y = rms_norm(x, self.norm2.weight) * (1 + sc2[:, None]) + s2[:, None]
        a, bb = self.mlp.w12(y).chunk(2, -1)
        return x + g2[:, None] * self.mlp.w3(F.silu(a) * bb)


class PaperJiT(nn.Module):
    def __init__(self, shape, patch, depth, h, heads, classes, bottleneck, context, start):
        super().__init__()
        self.c, self.s, self.p, self.context, self.start = shape[0], shape[1] // patch, patch, context, start
        self.x_embedder = nn.Module()
        self.x_embedder.proj1 = nn.Conv2d(shape[0], bottleneck, patch, patch, bias=False)
        self.x_embedder.proj2 = nn.Conv2d(bottleneck, h, 1)
        self.t_embedder = nn.Module(); self.t_embedder.mlp = nn.Sequential(nn.Linear(256, h), nn.SiLU(), nn.Linear(h, h))
        self.y_embedder = nn.Module(); self.y_embedder.embedding_table = nn.Embedding(classes + 1, h)
        self.in_context_posemb = nn.Parameter(torch.zeros(1, context, h))
        self.blocks = nn.ModuleList(PaperBlock(h, heads) for _ in range(depth))
        self.final_layer = nn.Module()
        self.final_layer.norm_final = nn.Module(); self.final_layer.norm_final.weight = nn.Parameter(torch.ones(h))
        self.final_layer.linear = nn.Linear(h, patch * patch * shape[0])
        self.final_layer.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(h, 2 * h))
        self.register_buffer("pos", sincos_official(self.s, h)[None])
        self.rope = rope_tables(self.s, h // heads, 0)
        self.rope_ctx = rope_tables(self.s, h // heads, context)

    def forward(self, z, t, y):
        b = z.shape[0]
        temb = self.t_embedder.mlp(jit_torch.time_features(t))
        yemb = self.y_embedder.embedding_table(y)
        c = temb + yemb
        x = self.x_embedder.proj2(self.x_embedder.proj1(z)).flatten(2).transpose(1, 2) + self.pos
        for i, blk in enumerate(self.blocks):
            if i == self.start:
                x = torch.cat([yemb[:, None] + self.in_context_posemb, x], 1)
            cos, sin = self.rope_ctx if i >= self.start else self.rope
            x = blk(x, c, cos, sin)
        x = x[:, self.context:]
        sh, sc = self.final_layer.adaLN_modulation(c).chunk(2, 1)
        x = self.final_layer.linear(rms_norm(x, self.final_layer.norm_final.weight) * (1 + sc[:, None]) + sh[:, None])
        s, p = self.s, self.p
        return x.reshape(b, s, s, self.c, p, p).permute(0, 3, 1, 4, 2, 5).reshape(b, self.c, s * p, s * p)


def paper_fixture(patch, seed):
    torch.manual_seed(seed)
    net = PaperJiT((1, 16, 16), patch, depth=2, h=64, heads=4, classes=10, bottleneck=16, context=4, start=1)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05)
    b = 4
    x = torch.rand(b, 1, 16, 16, generator=g) * 2 - 1
    e = torch.randn(b, 1, 16, 16, generator=g)
    t = torch.tensor([0.1, 0.4, 0.7, 0.93])
    y = torch.tensor([1, 3, 10, 0])
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
    path = os.path.join(root, "science", "src", "test", "resources", "parity", f"jit-paper-p{patch}.npz")
    np.savez_compressed(path, **arrays)
    print(f"{path}: {sum(p.numel() for p in net.parameters())} parameters, loss {loss.item():.6f}")


paper_fixture(4, 30)
paper_fixture(16, 40)
