"""Minimal, independent safetensors reader in numpy (memory-mapped).

  load_file(path) -> {name: np.ndarray}
  load_checkpoint(dir_or_file) -> {name: np.ndarray}   (handles sharding)

Float tensors (F32/F16/BF16/F64) are returned as float32 when upcast=True
(the default); integer/bool tensors keep their numpy dtype.
"""

import json
import os
import struct

import numpy as np

_NP = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
    "BOOL": "?", "BF16": "<u2",
}
_SIZE = {k: np.dtype(v).itemsize for k, v in _NP.items()}


class SafetensorsError(ValueError):
    pass


def read_header(path):
    """Returns (header dict without __metadata__, metadata, data_start)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        if size < 8:
            raise SafetensorsError("%s: file too small" % path)
        (n,) = struct.unpack("<Q", f.read(8))
        if n > size - 8:
            raise SafetensorsError("%s: header length %d exceeds file size"
                                   % (path, n))
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except ValueError as e:
            raise SafetensorsError("%s: bad header JSON: %s" % (path, e))
    if not isinstance(header, dict):
        raise SafetensorsError("%s: header is not an object" % path)
    meta = header.pop("__metadata__", {}) or {}
    data_start = 8 + n
    for name, e in header.items():
        dt, shape, (b, end) = e["dtype"], e["shape"], e["data_offsets"]
        if dt not in _NP:
            raise SafetensorsError("%s: tensor %r: unknown dtype %s"
                                   % (path, name, dt))
        want = int(np.prod(shape, dtype=np.int64)) * _SIZE[dt]
        if not (0 <= b <= end and data_start + end <= size and
                end - b == want):
            raise SafetensorsError("%s: tensor %r: bad data_offsets %r"
                                   % (path, name, [b, end]))
    return header, meta, data_start


def _decode(raw, dt, shape, upcast):
    a = raw.view(_NP[dt]).reshape(shape)
    if dt == "BF16":  # numpy has no bfloat16: always widen to float32
        return (a.astype(np.uint32) << 16).view(np.float32).reshape(shape)
    if upcast and dt in ("F16", "F32", "F64"):
        return a.astype(np.float32)
    return a


def load_file(path, upcast=True, names=None):
    header, _, start = read_header(path)
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    out = {}
    for name, e in header.items():
        if names is not None and name not in names:
            continue
        b, end = e["data_offsets"]
        raw = np.asarray(mm[start + b:start + end])
        out[name] = _decode(raw, e["dtype"], tuple(e["shape"]), upcast)
    return out


def checkpoint_files(path):
    """Returns (index_path or None, [safetensors files], weight_map or None)."""
    if os.path.isdir(path):
        idx = os.path.join(path, "model.safetensors.index.json")
        if os.path.exists(idx):
            path = idx
        else:
            return None, [os.path.join(path, "model.safetensors")], None
    if path.endswith(".index.json"):
        with open(path) as f:
            wm = json.load(f)["weight_map"]
        d = os.path.dirname(path)
        return path, [os.path.join(d, s) for s in sorted(set(wm.values()))], wm
    return None, [path], None


def load_checkpoint(path, upcast=True):
    index, files, wm = checkpoint_files(path)
    out = {}
    for fp in files:
        part = load_file(fp, upcast)
        for k, v in part.items():
            if k in out:
                raise SafetensorsError("%s: tensor %r stored twice" % (fp, k))
            out[k] = v
    if wm is not None:
        missing = sorted(set(wm) - set(out))
        extra = sorted(set(out) - set(wm))
        if missing or extra:
            raise SafetensorsError("%s: index/shard mismatch (missing %s, "
                                   "unlisted %s)" % (index, missing[:3],
                                                     extra[:3]))
    return out
