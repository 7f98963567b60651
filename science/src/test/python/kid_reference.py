"""Reference KID for KernelInceptionDistanceTest, computed as torch-fidelity's kid_features_to_metric
does (polynomial kernel (x . y / d + 1)^3, unbiased MMD^2), on one subset holding every feature so that no
random draw is involved. Features are a formula KernelInceptionDistanceTest.features reproduces:
  f[r, j] = sin(0.3 * (r + 1) * (j + 1) + phase) + 0.05 * j / d   (the second set shifted by 0.5)
Run with Debian's python3-numpy:  python3 science/src/test/python/kid_reference.py
"""
import numpy as np


def features(rows, d, phase, offset=0.0):
    """float32 features, as Java holds them"""
    r = np.arange(rows, dtype=np.float64)[:, None]
    j = np.arange(d, dtype=np.float64)[None, :]
    f = (np.sin(0.3 * (r + 1) * (j + 1) + phase) + 0.05 * j / d).astype(np.float32)
    return (f + np.float32(offset)).astype(np.float32).astype(np.float64)


def mmd2(f1, f2, degree=3, coef0=1):
    d = f1.shape[1]
    k11 = (f1 @ f1.T / d + coef0) ** degree
    k22 = (f2 @ f2.T / d + coef0) ** degree
    k12 = (f1 @ f2.T / d + coef0) ** degree
    m = f1.shape[0]
    kt_xx = k11.sum() - np.diag(k11).sum()
    kt_yy = k22.sum() - np.diag(k22).sum()
    return (kt_xx + kt_yy) / (m * (m - 1)) - 2 * k12.sum() / (m * m)


print(repr(mmd2(features(40, 16, 0.2), features(40, 16, 0.9, 0.5))))
