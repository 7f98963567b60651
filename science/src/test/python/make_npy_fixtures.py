"""NumPy-written fixtures for NpyNpzTest: every layout the reader must accept, and some it must refuse.

Writes science/src/test/resources/npy/:
  a-<dtype>-<order>.npy  the 2 x 3 x 4 array a[i, j, k] = 12 i + 4 j + k - 5.5 (uint8: 12 i + 4 j + k) as
                         float64 / float32 / uint8, little (<) and big (>) endian, C and Fortran order
  stats-savez.npz        pytorch-fid / clean-fid statistics: mu (3,) and sigma (3, 3), float64, np.savez
  stats-compressed.npz   the same with np.savez_compressed (deflate), sigma Fortran-ordered, big endian
  stats-float32.npz      the same in float32 (as TTUR's published files)
  stats-nan.npz          mu[1] = NaN
  stats-inf.npz          sigma[2, 0] = inf
  stats-int64.npz        mu as int64 (refused: the message names the file, the key and the dtype)
  samples-nan.npy        a float32 sample batch 2 x 1 x 4 x 4 in [-1, 1] with one NaN pixel at [1, 0, 2, 3]
  int16.npy, bool.npy, complex.npy, object.npy    dtypes refused

Regenerate with Debian's python3-numpy (apt-get install python3-numpy):
  /usr/bin/python3 science/src/test/python/make_npy_fixtures.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "npy")


def main():
    os.makedirs(OUT, exist_ok=True)
    i, j, k = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")
    base = 12 * i + 4 * j + k
    for name, dtype in (("f8", np.float64), ("f4", np.float32), ("u1", np.uint8)):
        a = base.astype(dtype) if dtype == np.uint8 else (base - 5.5).astype(dtype)
        for endian in ("<", ">"):
            for order in ("C", "F"):
                if dtype == np.uint8 and endian == ">":
                    continue
                arr = np.asarray(a, dtype=np.dtype(dtype).newbyteorder(endian), order=order)
                np.save(os.path.join(OUT, f"a-{name}-{'le' if endian == '<' else 'be'}-{order}.npy"), arr)
    mu = np.array([0.5, -1.25, 2.0])
    sigma = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 3.0]])
    np.savez(os.path.join(OUT, "stats-savez.npz"), mu=mu, sigma=sigma)
    np.savez_compressed(
        os.path.join(OUT, "stats-compressed.npz"),
        mu=mu,
        sigma=np.asfortranarray(sigma.astype(">f8")),
    )
    np.savez(os.path.join(OUT, "stats-float32.npz"), mu=mu.astype(np.float32), sigma=sigma.astype(np.float32))
    bad = mu.copy()
    bad[1] = np.nan
    np.savez(os.path.join(OUT, "stats-nan.npz"), mu=bad, sigma=sigma)
    bad = sigma.copy()
    bad[2, 0] = np.inf
    np.savez(os.path.join(OUT, "stats-inf.npz"), mu=mu, sigma=bad)
    np.savez(os.path.join(OUT, "stats-int64.npz"), mu=np.array([1, 2, 3], dtype=np.int64), sigma=sigma)
    samples = np.linspace(-1, 1, 32, dtype=np.float32).reshape(2, 1, 4, 4)
    samples[1, 0, 2, 3] = np.nan
    np.save(os.path.join(OUT, "samples-nan.npy"), samples)
    np.save(os.path.join(OUT, "int16.npy"), np.arange(4, dtype=np.int16))
    np.save(os.path.join(OUT, "bool.npy"), np.array([True, False]))
    np.save(os.path.join(OUT, "complex.npy"), np.array([1 + 2j]))
    np.save(os.path.join(OUT, "object.npy"), np.array([{"a": 1}], dtype=object), allow_pickle=True)


if __name__ == "__main__":
    main()
