"""Draw Callboard's app icons (a clapperboard) as PNGs with the standard library only.

Run from the repository root: python3 static/icons/make_icons.py
"""

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).parent
NIGHT = (16, 20, 24)
PAPER = (246, 245, 241)
BLUE = (138, 180, 255)


def colour_at(u: float, v: float):
    """Return the colour of the clapperboard at (u, v) in a unit square, or None for background."""
    if 0.08 <= u <= 0.92 and 0.40 <= v <= 0.92:  # the slate
        if 0.16 <= u <= 0.84 and any(abs(v - line) < 0.025 for line in (0.56, 0.68, 0.80)):
            return BLUE if u < 0.60 or v != 0.56 else NIGHT
        return PAPER
    if 0.08 <= u <= 0.92 and 0.12 <= v <= 0.32:  # the clapper stick, striped
        return PAPER if int((u + v) * 7.5) % 2 == 0 else NIGHT if 0.10 < u < 0.90 and 0.14 < v < 0.30 else PAPER
    return None


def draw(size: int, inset: float):
    """Return rows of RGB pixels: the board drawn inside `inset` of each edge, on night blue."""
    rows = []
    span = size * (1 - 2 * inset)
    for y in range(size):
        row = bytearray()
        for x in range(size):
            u, v = (x + 0.5 - size * inset) / span, (y + 0.5 - size * inset) / span
            row.extend(colour_at(u, v) or NIGHT)
        rows.append(bytes(row))
    return rows


def png(rows) -> bytes:
    """Encode RGB rows as a PNG file."""
    height, width = len(rows), len(rows[0]) // 3

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    # Maskable icons keep the board inside the central safe circle (80 % of the width).
    for name, size, inset in (
        ("icon-192", 192, 0.12),
        ("icon-512", 512, 0.12),
        ("maskable-192", 192, 0.24),
        ("maskable-512", 512, 0.24),
        ("apple-touch-icon", 180, 0.16),
    ):
        (HERE / f"{name}.png").write_bytes(png(draw(size, inset)))


if __name__ == "__main__":
    main()
