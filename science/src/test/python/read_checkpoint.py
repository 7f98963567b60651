"""Reads a denoise-lab checkpoint as any safetensors reader does, with NumPy alone (the format: an 8-byte
little-endian header length, a JSON header of dtype/shape/data_offsets per tensor and __metadata__, then
the raw little-endian data), and prints what it found as JSON: for every tensor its shape and the float64
sum of its values, and the metadata. CheckpointFormatTest runs it on a checkpoint the Java trainer wrote
and compares with what Java holds. safetensors.numpy.load_file / safetensors.torch.load_file read the
same files.

  /usr/bin/python3 science/src/test/python/read_checkpoint.py run.safetensors
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}

with open(sys.argv[1], "rb") as f:
    blob = f.read()
(n,) = struct.unpack("<Q", blob[:8])
header = json.loads(blob[8:8 + n])
data = memoryview(blob)[8 + n:]
out = {"metadata": header.pop("__metadata__", {}), "tensors": {}}
end = 0
for name, info in header.items():
    begin, stop = info["data_offsets"]
    array = np.frombuffer(data[begin:stop], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
    array = array.reshape(info["shape"])
    out["tensors"][name] = {"shape": list(array.shape), "sum": float(array.astype(np.float64).sum())}
    end = max(end, stop)
assert end == len(data), f"{len(data) - end} bytes after the last tensor"
print(json.dumps(out))
