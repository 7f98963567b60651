"""Image fixtures for ImageFilesTest and AdmCropTest, with the values Pillow decodes them to.

Writes science/src/test/resources/images/:
  png-*.png    every PNG colour type and bit depth: grey 1/2/4/8/16 bit, grey+alpha 8/16, RGB 8/16,
               RGBA 8/16, palette 1/2/4/8 bit (with and without a tRNS alpha table), grey and RGB with
               tRNS. Written chunk by chunk here (Pillow cannot write most of these depths), then
               decoded by Pillow for the expected values.
  jpeg-*.jpg   JPEG grey, RGB (4:2:0 and 4:4:4) and CMYK (Adobe marker, inverted, as Pillow writes it),
               written by Pillow.
  expected.npz for each fixture NAME: NAME.L (H x W) and NAME.RGB (H x W x 3), uint8, what
               Image.open(f).convert("L") and .convert("RGB") give; for 16-bit grey, whose Pillow
               convert("L") clips every value above 255 to white, the raw 16-bit values shifted right by
               8 (the high byte, which is what Pillow keeps of every other 16-bit PNG).
  adm-*.png    a 301 x 203 RGB picture; adm.npz holds ADM's center_crop_arr of it at 64 and 32
               (box-filter halving, bicubic resize, center crop), computed by Pillow below.

Regenerate with Debian's python3-pil and python3-numpy (apt-get install python3-pil python3-numpy):
  /usr/bin/python3 science/src/test/python/make_image_fixtures.py
The pixels are a fixed pseudo-random draw (seed 12), so the files come out the same every time.
"""
import io
import os
import struct
import zlib

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "images")
W, H = 13, 9  # odd sizes: sub-byte rows end mid-byte
rng = np.random.RandomState(12)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(path, colour_type, depth, rows, palette=None, trns=None):
    """rows: list of H arrays of samples (one value per sample, in file order), packed here."""
    raw = b""
    for r in rows:
        r = np.asarray(r)
        if depth < 8:
            bits = np.unpackbits(r.astype(np.uint8)[:, None], axis=1)[:, 8 - depth:]
            raw += b"\x00" + np.packbits(bits.reshape(-1)).tobytes()
        elif depth == 8:
            raw += b"\x00" + r.astype(np.uint8).tobytes()
        else:
            raw += b"\x00" + r.astype(">u2").tobytes()
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, depth, colour_type, 0, 0, 0))
    if palette is not None:
        data += chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        data += chunk(b"tRNS", trns)
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def samples(channels, depth):
    hi = (1 << depth) - 1
    return [rng.randint(0, hi + 1, size=W * channels) for _ in range(H)]


def main():
    os.makedirs(OUT, exist_ok=True)
    names = []
    for depth in (1, 2, 4, 8, 16):
        names.append(f"png-grey{depth}")
        png(os.path.join(OUT, names[-1] + ".png"), 0, depth, samples(1, depth))
    for depth in (8, 16):
        names.append(f"png-greyalpha{depth}")
        png(os.path.join(OUT, names[-1] + ".png"), 4, depth, samples(2, depth))
        names.append(f"png-rgb{depth}")
        png(os.path.join(OUT, names[-1] + ".png"), 2, depth, samples(3, depth))
        names.append(f"png-rgba{depth}")
        png(os.path.join(OUT, names[-1] + ".png"), 6, depth, samples(4, depth))
    for depth in (1, 2, 4, 8):
        n = 1 << depth
        pal = rng.randint(0, 256, size=(n, 3))
        names.append(f"png-palette{depth}")
        png(os.path.join(OUT, names[-1] + ".png"), 3, depth, samples(1, depth), palette=pal)
        names.append(f"png-palette{depth}-trns")
        alpha = rng.randint(0, 256, size=n // 2 + 1).astype(np.uint8).tobytes()
        png(os.path.join(OUT, names[-1] + ".png"), 3, depth, samples(1, depth), palette=pal, trns=alpha)
    # a grey palette: Fashion-MNIST saved as palette PNGs (the reported case) must read as its grey levels
    names.append("png-palette8-grey")
    png(os.path.join(OUT, names[-1] + ".png"), 3, 8, samples(1, 8), palette=np.repeat(np.arange(256)[:, None], 3, 1))
    names.append("png-grey8-trns")
    png(os.path.join(OUT, names[-1] + ".png"), 0, 8, samples(1, 8), trns=struct.pack(">H", 7))
    names.append("png-rgb8-trns")
    png(os.path.join(OUT, names[-1] + ".png"), 2, 8, samples(3, 8), trns=struct.pack(">HHH", 1, 2, 3))

    # JPEG: smooth content so the decoders' rounding, not the content, sets the differences
    yy, xx = np.mgrid[0:24, 0:40].astype(np.float64)
    rgb = np.stack([128 + 100 * np.sin(xx / 6.0), 128 + 90 * np.cos(yy / 5.0), 64 + 3 * xx + 2 * yy], -1)
    rgb = np.clip(rgb, 0, 255).astype(np.uint8)
    Image.fromarray(rgb).convert("L").save(os.path.join(OUT, "jpeg-grey.jpg"), quality=92)
    Image.fromarray(rgb).save(os.path.join(OUT, "jpeg-rgb420.jpg"), quality=92, subsampling=2)
    Image.fromarray(rgb).save(os.path.join(OUT, "jpeg-rgb444.jpg"), quality=92, subsampling=0)
    Image.fromarray(rgb).convert("CMYK").save(os.path.join(OUT, "jpeg-cmyk.jpg"), quality=92)
    names += ["jpeg-grey", "jpeg-rgb420", "jpeg-rgb444", "jpeg-cmyk"]

    expected = {}
    for name in names:
        path = os.path.join(OUT, name + (".png" if name.startswith("png") else ".jpg"))
        im = Image.open(path)
        if im.mode in ("I", "I;16"):  # 16-bit grey: the high byte, see above
            grey = (np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8)
            expected[name + ".L"] = grey
            expected[name + ".RGB"] = np.repeat(grey[:, :, None], 3, 2)
        else:
            expected[name + ".L"] = np.asarray(im.convert("L"))
            expected[name + ".RGB"] = np.asarray(im.convert("RGB"))
        print(name, im.mode, im.size)
    np.savez(os.path.join(OUT, "expected.npz"), **expected)

    # ADM center crop (guided-diffusion's image_datasets.center_crop_arr), at two sizes
    yy, xx = np.mgrid[0:203, 0:301].astype(np.float64)
    pic = np.stack([128 + 120 * np.sin(xx / 9.0) * np.cos(yy / 13.0), 4 * (xx % 60), 255 - yy], -1)
    pic = np.clip(pic + rng.randint(-20, 21, size=pic.shape), 0, 255).astype(np.uint8)
    Image.fromarray(pic).save(os.path.join(OUT, "adm-source.png"))
    crops = {}
    for size in (64, 32, 150):
        crops[f"crop{size}"] = center_crop_arr(Image.open(os.path.join(OUT, "adm-source.png")).convert("RGB"), size)
    np.savez(os.path.join(OUT, "adm.npz"), **crops)


def center_crop_arr(pil_image, image_size):
    # https://github.com/openai/guided-diffusion/blob/main/guided_diffusion/image_datasets.py
    while min(*pil_image.size) >= 2 * image_size:
        pil_image = pil_image.resize(tuple(x // 2 for x in pil_image.size), resample=Image.BOX)
    scale = image_size / min(*pil_image.size)
    pil_image = pil_image.resize(tuple(round(x * scale) for x in pil_image.size), resample=Image.BICUBIC)
    arr = np.array(pil_image)
    crop_y = (arr.shape[0] - image_size) // 2
    crop_x = (arr.shape[1] - image_size) // 2
    return arr[crop_y : crop_y + image_size, crop_x : crop_x + image_size]


if __name__ == "__main__":
    main()
