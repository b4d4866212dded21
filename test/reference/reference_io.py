"""Writes named tensors in TorchSharp's .dat layout, for the C# tests to read.

Layout (written here from the format description, independently of the C# code under test):
ULEB128 entry count; per entry the key (ULEB128 byte length + UTF-8) and a tensor record:
ULEB128 dtype code, ULEB128 rank, ULEB128 dims, raw little-endian element bytes.
"""
import torch

DTYPE_CODES = {
    torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4,
    torch.float16: 5, torch.float32: 6, torch.float64: 7, torch.bool: 11,
}


def _leb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def write_tensors(path, tensors):
    """tensors: dict name -> torch.Tensor (any device; written from a contiguous CPU copy)."""
    with open(path, "wb") as f:
        f.write(_leb128(len(tensors)))
        for name, t in tensors.items():
            key = name.encode("utf-8")
            f.write(_leb128(len(key)))
            f.write(key)
            t = t.detach().cpu().contiguous()
            f.write(_leb128(DTYPE_CODES[t.dtype]))
            f.write(_leb128(t.dim()))
            for d in t.shape:
                f.write(_leb128(d))
            f.write(t.numpy().tobytes() if t.dtype != torch.bool else t.to(torch.uint8).numpy().tobytes())
