#!/usr/bin/python3
"""Writes the structured seed corpora of the native fuzz harnesses (test/Fuzz/Native/fuzz_*.cpp).

Seeds are ordinary calls, encoded the way the harnesses decode their input with FuzzedDataProvider: integer choices
are read from the END of the input (most significant byte first), the image bytes and pixel patterns from the front.
Image seeds are small PNG and JPEG files made here with PIL in every colour type and bit depth the codec handles.
Usage: make_seeds.py OUT_DIR   (writes OUT_DIR/<target>/seed-*)
"""
import io
import os
import struct
import sys

from PIL import Image


class Choices:
    """Builds the tail a FuzzedDataProvider consumes: choices in consumption order."""

    def __init__(self):
        self.consumed = []  # bytes in the order FuzzedDataProvider reads them (from the end backwards)

    def int(self, lo, hi, value):
        span, offset = hi - lo, value - lo
        nbytes = 0
        while nbytes < 8 and (span >> (8 * nbytes)) > 0:
            nbytes += 1
        for i in reversed(range(nbytes)):  # most significant byte is read first
            self.consumed.append((offset >> (8 * i)) & 0xFF)
        return self

    def bool(self, value):
        self.consumed.append(1 if value else 0)
        return self

    def probability(self, p, bits):  # ConsumeProbability<float> reads a uint32, <double> a uint64
        n = bits // 8
        raw = int(p * ((1 << bits) - 1))
        for i in reversed(range(n)):
            self.consumed.append((raw >> (8 * i)) & 0xFF)
        return self

    def bytes(self, front=b""):
        return bytes(front) + bytes(reversed(self.consumed))


def small(c, small_max, value):  # fuzz::size_arg, ordinary branch
    return c.int(0, 15, 4).int(0, small_max, value)


def ordinary(c, lo, hi, value, bits):  # fuzz::value_arg, ordinary branch
    return c.int(0, 15, 8).probability((value - lo) / (hi - lo), bits)


def roi_align_seeds():
    seeds = []
    for entry in range(4):
        bits = 32 if entry % 2 == 0 else 64
        for (n, c, h, w, k, ph, pw, ratio, aligned, scale) in [
                (1, 4, 16, 16, 2, 7, 7, 2, True, 0.25), (2, 20, 24, 24, 8, 2, 2, 0, False, 1.0),
                (1, 1, 5, 7, 1, 3, 2, -1, True, 0.5)]:
            ch = Choices().int(0, 3, entry)
            for v, m in ((n, 3), (c, 40), (h, 40), (w, 40), (k, 12), (ph, 9), (pw, 9)):
                small(ch, m, v)
            ch.int(0, 7, 3).int(-2, 6, ratio).bool(aligned)
            ordinary(ch, -0.5, 2.0, scale, 64)
            ch.int(1, 4, 2)
            for r in range(k):
                ch.int(0, 7, 1).int(-1, 3, r % n)
                for v in (1 + r, 2 + r, 10 + 3 * r, 12 + 2 * r):
                    ordinary(ch, -20, 60, v, bits)
            seeds.append(ch.bytes())
    return seeds


def nms_seeds():
    seeds = []
    for entry in range(4):
        for n, threads in ((10, 1), (300, 4), (40, 2)):
            ch = Choices().int(0, 3, entry).int(0, 15, 1 if n > 40 else 2).int(0, 700 if n > 40 else 40, n)
            ordinary(ch, -0.2, 1.2, 0.5, 64)
            ch.int(1, 4, threads).int(1, 5, 3).int(0, 0xFFFFFFFF, 12345 + n)
            seeds.append(ch.bytes())
    return seeds


def resize_seeds():
    seeds = []
    for sample_type in range(3):
        for interp in range(2):
            for (sw, sh, dw, dh, ch_count) in ((8, 6, 13, 5, 3), (17, 3, 4, 9, 1), (5, 5, 5, 5, 4)):
                ch = Choices()
                for v in (sw, sh, dw, dh):
                    ch.int(0, 11, 4).int(1, 40, v)
                ch.int(0, 9, 1).int(1, 4, ch_count).int(0, 9, 1).int(0, 2, sample_type).int(0, 9, 1).int(0, 1, interp)
                seeds.append(ch.bytes(front=bytes(range(0, 256, 7))))
    return seeds


def png_encode_seeds():
    seeds = []
    for channels in range(1, 5):
        for depth in (8, 16):
            ch = Choices()
            for v in (11, 7):
                ch.int(0, 9, 4).int(1, 48, v)
            ch.int(0, 9, 1).int(1, 4, channels).int(0, 9, 1).bool(depth == 16).int(0, 9, 1).int(-1, 9, 6)
            seeds.append(ch.bytes(front=bytes(range(3, 200, 5))))
    return seeds


def image_files():
    files = []
    gradient = Image.linear_gradient("L").resize((12, 9))
    rgb = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient.rotate(90)))
    def png(img, **kw):
        out = io.BytesIO()
        img.save(out, "PNG", **kw)
        return out.getvalue()
    def jpeg(img, **kw):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80, **kw)
        return out.getvalue()
    files.append(png(gradient))
    files.append(png(gradient.convert("1")))
    files.append(png(gradient.point(lambda v: v >> 4).convert("P"), bits=4))
    files.append(png(gradient.convert("LA")))
    files.append(png(rgb))
    files.append(png(rgb.convert("RGBA")))
    files.append(png(rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)))
    files.append(png(rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=4), transparency=1))
    files.append(png(gradient.convert("I").point(lambda v: v * 257).convert("I;16")))
    files.append(png(rgb, optimize=True))
    files.append(jpeg(gradient))
    files.append(jpeg(rgb))
    files.append(jpeg(rgb, progressive=True))
    files.append(jpeg(rgb, subsampling=0))
    files.append(jpeg(rgb.convert("CMYK")))
    return files


def image_decode_seeds():
    seeds = []
    for i, data in enumerate(image_files()):
        for decode in (False, True):
            ch = Choices().bool(decode).int(0, 9, 1).int(0, 3, i % 4).int(0, 9, 1).int(0, 2, i % 3).int(0, 5, 3)
            ch.int(0, 15, 1)
            seeds.append(ch.bytes(front=data))
    return seeds


def main():
    out = sys.argv[1]
    targets = {"roi_align": roi_align_seeds(), "nms": nms_seeds(), "resize": resize_seeds(),
               "png_encode": png_encode_seeds(), "image_decode": image_decode_seeds()}
    for target, seeds in targets.items():
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for i, seed in enumerate(seeds):
            with open(os.path.join(out, target, "seed-%03d" % i), "wb") as f:
                f.write(seed)
        print(target, len(seeds), "seeds")


if __name__ == "__main__":
    main()
