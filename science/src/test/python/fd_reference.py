"""Reference Fréchet distances for FrechetDistanceTest, computed exactly as pytorch-fid's
calculate_frechet_distance does (scipy.linalg.sqrtm of sigma1 @ sigma2; eps * I added to both
covariances only when that square root is not finite; real part of the trace).

The features are a deterministic formula that FrechetDistanceTest.features(...) reproduces in Java:
  x[r, j] = sin(0.37 * (r + 1) * (j + 1) + phase) + 0.1 * cos(1.3 * j - 0.7 * r * phase)
for r < rows, j < dim. Covariances are np.cov (unbiased, rows - 1), like FeatureStats.

Run with Debian's python3-numpy and python3-scipy (apt-get install python3-scipy):
  python3 core/src/test/python/fd_reference.py
and paste the printed values into FrechetDistanceTest.
"""
import numpy as np
from scipy import linalg


def features(rows, dim, phase):
    r = np.arange(rows, dtype=np.float64)[:, None]
    j = np.arange(dim, dtype=np.float64)[None, :]
    return np.sin(0.37 * (r + 1) * (j + 1) + phase) + 0.1 * np.cos(1.3 * j - 0.7 * r * phase)


def pytorch_fid(mu1, sigma1, mu2, sigma2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    offset_added = False
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
        offset_added = True
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean), offset_added


def with_offset_always(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """what denoise-lab computed before: the offset added whenever a covariance is singular"""
    diff = mu1 - mu2
    offset = np.eye(sigma1.shape[0]) * eps
    covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset)).real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


for rows_a, rows_b, dim in [(20, 200, 64), (30, 25, 64)]:
    a = features(rows_a, dim, 0.3)
    b = features(rows_b, dim, 1.1)
    mu1, s1 = a.mean(0), np.cov(a, rowvar=False)
    mu2, s2 = b.mean(0), np.cov(b, rowvar=False)
    fd, added = pytorch_fid(mu1, s1, mu2, s2)
    old = with_offset_always(mu1, s1, mu2, s2)
    print(f"rows {rows_a} vs {rows_b}, dim {dim}: pytorch-fid {fd!r} (offset added: {added}); "
          f"with the offset always {old!r} ({100 * (old - fd) / fd:+.3f}%)")
