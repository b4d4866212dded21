"""Test images and the pixels their decoding and resizing must give, for the image codec tests.

usage: /usr/bin/python3 imaging_reference.py OUTPUT_DIR
Writes image files into OUTPUT_DIR and OUTPUT_DIR/imaging.dat with the expected pixels:
  "<file>/<mode>"      expected decode (H x W x C, uint8 or int32 for 16-bit samples),
  "resize/..."         resize inputs and torch.nn.functional.interpolate results (bilinear ones
                       unrounded, in float64).
Expectations come from the numpy arrays the files were made from (the decoding rules of
imaging_api.h applied by numpy), and every 8-bit PNG/JPEG expectation is checked here against PIL.
Files PIL cannot write (16-bit RGB, 4-bit gray, interlaced) are written by a small PNG writer below.
"""
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from reference_io import write_tensors

out_dir = sys.argv[1]
rng = np.random.RandomState(5)
tensors = {}


def lum(rgb):
    """PIL's luminance (Image.convert("L")) on integer samples."""
    rgb = rgb.astype(np.int64)
    return ((19595 * rgb[..., 0] + 38470 * rgb[..., 1] + 7471 * rgb[..., 2] + 0x8000) >> 16)


def put(name, mode, array):
    array = np.ascontiguousarray(array)
    if array.ndim == 2:
        array = array[..., None]
    if array.dtype == np.uint8:
        tensors[f"{name}/{mode}"] = torch.from_numpy(array.copy())
    else:
        tensors[f"{name}/{mode}"] = torch.from_numpy(array.astype(np.int32))


def check_pil(name, mode, expected):
    """PIL must agree with the expectation derived by numpy (guards the expectations themselves)."""
    got = np.array(Image.open(os.path.join(out_dir, name)).convert(mode))
    exp = expected if expected.ndim == 2 or mode != "L" else expected[..., 0]
    if not np.array_equal(got, np.squeeze(exp) if mode == "L" else exp):
        raise SystemExit(f"PIL disagrees with the numpy expectation for {name} as {mode}")


def write_png(path, array, color_type, bit_depth, interlace=False):
    """Minimal PNG writer (filter 0 on every row); array holds samples at bit_depth."""
    h, w = array.shape[:2]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    a = array.reshape(h, w, channels)

    def rows_of(img):
        raw = bytearray()
        for row in img:
            raw.append(0)
            if bit_depth == 16:
                raw += row.astype(">u2").tobytes()
            elif bit_depth == 8:
                raw += row.astype(np.uint8).tobytes()
            else:
                samples = row.reshape(-1).astype(np.uint8)
                per = 8 // bit_depth
                padded = np.zeros(((len(samples) + per - 1) // per) * per, np.uint8)
                padded[: len(samples)] = samples
                for k in range(0, len(padded), per):
                    byte = 0
                    for s in padded[k:k + per]:
                        byte = (byte << bit_depth) | int(s)
                    raw.append(byte)
        return bytes(raw)

    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b""
        for x0, y0, dx, dy in passes:
            sub = a[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += rows_of(sub)
    else:
        raw = rows_of(a)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


H, W = 13, 17

# 8-bit gray
g8 = rng.randint(0, 256, (H, W)).astype(np.uint8)
Image.fromarray(g8, "L").save(os.path.join(out_dir, "gray8.png"))
put("gray8.png", "unchanged", g8)
put("gray8.png", "gray", g8)
put("gray8.png", "rgb", np.stack([g8] * 3, -1))
put("gray8.png", "rgba", np.dstack([g8, g8, g8, np.full_like(g8, 255)]))
check_pil("gray8.png", "RGB", np.stack([g8] * 3, -1))

# 16-bit gray (nuclei masks are of this kind): ids above 255 must survive
g16 = rng.randint(0, 65536, (H, W)).astype(np.uint16)
g16[0, :4] = [0, 1, 375, 65535]
write_png(os.path.join(out_dir, "gray16.png"), g16, 0, 16)
put("gray16.png", "unchanged", g16)
put("gray16.png", "unchanged8", g16 >> 8)
put("gray16.png", "rgb8", np.stack([g16 >> 8] * 3, -1))
if not np.array_equal(np.array(Image.open(os.path.join(out_dir, "gray16.png"))), g16):
    raise SystemExit("PIL disagrees on gray16.png")

# 8-bit RGB and RGBA
rgb = rng.randint(0, 256, (H, W, 3)).astype(np.uint8)
Image.fromarray(rgb, "RGB").save(os.path.join(out_dir, "rgb8.png"))
put("rgb8.png", "unchanged", rgb)
put("rgb8.png", "gray", lum(rgb).astype(np.uint8))
put("rgb8.png", "rgba", np.dstack([rgb, np.full((H, W), 255, np.uint8)]))
put("rgb8.png", "rgb16", rgb.astype(np.int32) * 257)
check_pil("rgb8.png", "L", lum(rgb).astype(np.uint8))

rgba = rng.randint(0, 256, (H, W, 4)).astype(np.uint8)
Image.fromarray(rgba, "RGBA").save(os.path.join(out_dir, "rgba8.png"))
put("rgba8.png", "unchanged", rgba)
put("rgba8.png", "rgb", rgba[..., :3])
put("rgba8.png", "gray", lum(rgba[..., :3]).astype(np.uint8))
check_pil("rgba8.png", "RGB", rgba[..., :3])
check_pil("rgba8.png", "L", lum(rgba[..., :3]).astype(np.uint8))

# gray + alpha
la = rng.randint(0, 256, (H, W, 2)).astype(np.uint8)
Image.fromarray(la, "LA").save(os.path.join(out_dir, "gray_alpha.png"))
put("gray_alpha.png", "unchanged", la)
put("gray_alpha.png", "gray", la[..., 0])
put("gray_alpha.png", "rgba", np.dstack([la[..., 0]] * 3 + [la[..., 1]]))

# palette with transparency for index 0: indices kept in "unchanged", expanded otherwise
palette = rng.randint(0, 256, (256, 3)).astype(np.uint8)
idx = rng.randint(0, 40, (H, W)).astype(np.uint8)
idx[0, 0] = 0
p_img = Image.fromarray(idx, "P")
p_img.putpalette(palette.reshape(-1).tolist())
p_img.save(os.path.join(out_dir, "palette.png"), transparency=0)
alpha = np.where(idx == 0, 0, 255).astype(np.uint8)
put("palette.png", "unchanged", idx)
put("palette.png", "rgb", palette[idx])
put("palette.png", "rgba", np.dstack([palette[idx], alpha]))
put("palette.png", "gray", lum(palette[idx]).astype(np.uint8))
if not np.array_equal(np.array(Image.open(os.path.join(out_dir, "palette.png"))), idx):
    raise SystemExit("PIL disagrees on palette indices")
check_pil("palette.png", "RGBA", np.dstack([palette[idx], alpha]))

# 16-bit RGB (PIL cannot write it): depth 8 keeps the high byte
rgb16 = rng.randint(0, 65536, (H, W, 3)).astype(np.uint16)
write_png(os.path.join(out_dir, "rgb16.png"), rgb16, 2, 16)
put("rgb16.png", "unchanged", rgb16)
put("rgb16.png", "rgb8", rgb16 >> 8)
put("rgb16.png", "gray8", lum(rgb16 >> 8))
put("rgb16.png", "gray16", lum(rgb16))

# 4-bit gray: "unchanged" keeps 0..15 (mask ids), "gray" scales to 0..255 (x17)
g4 = rng.randint(0, 16, (H, W)).astype(np.uint8)
write_png(os.path.join(out_dir, "gray4.png"), g4, 0, 4)
put("gray4.png", "unchanged", g4)
put("gray4.png", "gray", g4 * 17)

# interlaced (Adam7) RGB
write_png(os.path.join(out_dir, "interlaced.png"), rgb, 2, 8, interlace=True)
put("interlaced.png", "rgb", rgb)
check_pil("interlaced.png", "RGB", rgb)

# JPEG: the expectation is PIL's decode (same libjpeg-turbo, same default settings)
yy, xx = np.mgrid[0:48, 0:64]
smooth = np.dstack([(xx * 4) % 256, (yy * 5) % 256, ((xx + yy) * 3) % 256]).astype(np.uint8)
Image.fromarray(smooth, "RGB").save(os.path.join(out_dir, "color.jpg"), quality=90)
Image.fromarray(smooth, "RGB").save(os.path.join(out_dir, "progressive.jpg"), quality=85, progressive=True)
Image.fromarray(smooth[..., 1], "L").save(os.path.join(out_dir, "gray.jpg"), quality=90)
for name in ["color.jpg", "progressive.jpg", "gray.jpg"]:
    img = Image.open(os.path.join(out_dir, name))
    put(name, "rgb", np.array(img.convert("RGB")))
    put(name, "gray", np.array(img.convert("L")))
    put(name, "unchanged", np.array(img))

# Resizing: torch.nn.functional.interpolate (align_corners=False), the rule the codec follows.
src = rng.randint(0, 256, (37, 53, 3)).astype(np.uint8)
src16 = rng.randint(0, 65536, (37, 53, 1)).astype(np.uint16)
srcf = rng.rand(37, 53, 2).astype(np.float32)
tensors["resize/src"] = torch.from_numpy(src)
tensors["resize/src16"] = torch.from_numpy(src16.astype(np.int32))
tensors["resize/srcf"] = torch.from_numpy(srcf)
for (h, w) in [(61, 80), (17, 20), (74, 106), (37, 53), (5, 101)]:
    chw = torch.from_numpy(src).permute(2, 0, 1)[None].double()
    bil = F.interpolate(chw, size=(h, w), mode="bilinear", align_corners=False)[0].permute(1, 2, 0)
    tensors[f"resize/bilinear_{h}x{w}"] = bil.contiguous()  # unrounded float64: the test rounds half up
    near = F.interpolate(chw.float(), size=(h, w), mode="nearest")[0].permute(1, 2, 0)
    tensors[f"resize/nearest_{h}x{w}"] = near.to(torch.uint8)
    chw16 = torch.from_numpy(src16.astype(np.float64)).permute(2, 0, 1)[None]
    bil16 = F.interpolate(chw16, size=(h, w), mode="bilinear", align_corners=False)[0].permute(1, 2, 0)
    tensors[f"resize/bilinear16_{h}x{w}"] = bil16.contiguous()
    chwf = torch.from_numpy(srcf).permute(2, 0, 1)[None]
    # float64 result on the float32 samples: the codec computes in double and rounds once
    tensors[f"resize/bilinearf_{h}x{w}"] = F.interpolate(chwf.double(), size=(h, w), mode="bilinear", align_corners=False)[0].permute(1, 2, 0).contiguous()
    tensors[f"resize/nearestf_{h}x{w}"] = F.interpolate(chwf, size=(h, w), mode="nearest")[0].permute(1, 2, 0).contiguous()

write_tensors(os.path.join(out_dir, "imaging.dat"), tensors)
