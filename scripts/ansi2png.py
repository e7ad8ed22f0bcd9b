#!/usr/bin/env python3
"""Turn a terminal capture (`tmux capture-pane -e -p`: UTF-8 text with SGR escapes) into a PNG.

The capture is replayed into a pyte screen of the given size, and every cell is painted on a
fixed grid: background, then the glyph in DejaVu Sans Mono (bold when bold), or WenQuanYi Zen
Hei Mono for East Asian wide glyphs (two cells). Box-drawing and block characters are drawn
as shapes so that borders join and progress bars are solid at any font size.

usage: ansi2png.py CAPTURE PNG [--cols 80] [--rows 24] [--font-size 16]
"""
import argparse
import unicodedata

import pyte
from PIL import Image, ImageDraw, ImageFont

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

FOREGROUND = (215, 218, 224)
BACKGROUND = (30, 32, 38)
# A calm take on the 16 ANSI colours (pyte names the bright ones "bright…", brown is yellow).
ANSI = {
    "black": (40, 44, 52), "red": (224, 108, 117), "green": (152, 195, 121), "brown": (229, 192, 123),
    "yellow": (229, 192, 123), "blue": (70, 120, 200), "magenta": (198, 120, 221), "cyan": (86, 182, 194),
    "white": (200, 204, 212), "brightblack": (110, 118, 135), "brightred": (240, 130, 140),
    "brightgreen": (170, 215, 140), "brightyellow": (240, 210, 140), "brightblue": (97, 175, 239),
    "brightmagenta": (215, 140, 235), "brightcyan": (110, 205, 215), "brightwhite": (250, 250, 250),
}

# Which arms of a light box-drawing glyph are drawn: left, right, up, down.
BOX_ARMS = {
    "─": "lr", "│": "ud", "┌": "rd", "┐": "ld", "└": "ru", "┘": "lu",
    "├": "udr", "┤": "udl", "┬": "lrd", "┴": "lru", "┼": "lrud",
}


def colour(name, default):
    if name == "default":
        return default
    if name in ANSI:
        return ANSI[name]
    try:  # 256-colour and true-colour cells arrive as "rrggbb"
        return tuple(int(name[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return default


def mix(a, b, amount):
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b))


class Renderer:
    def __init__(self, cols, rows, size):
        self.cols, self.rows = cols, rows
        self.regular = ImageFont.truetype(DEJAVU, size)
        self.bold = ImageFont.truetype(DEJAVU_BOLD, size)
        self.wide = ImageFont.truetype(ZENHEI, size, index=2)  # the "Mono" face of the collection
        ascent, descent = self.regular.getmetrics()
        self.cell_w = round(self.regular.getlength("M"))
        self.cell_h = ascent + descent + 2
        self.pad = size

    def render(self, capture):
        screen = pyte.Screen(self.cols, self.rows)
        pyte.Stream(screen).feed(capture.rstrip("\n").replace("\n", "\r\n"))
        image = Image.new("RGB", (self.cols * self.cell_w + 2 * self.pad, self.rows * self.cell_h + 2 * self.pad),
                          BACKGROUND)
        draw = ImageDraw.Draw(image)
        for y in range(self.rows):
            for x in range(self.cols):
                cell = screen.buffer[y][x]
                if cell.data == "":  # the right half of a wide glyph
                    continue
                self.cell(draw, x, y, cell)
        return image

    def cell(self, draw, x, y, cell):
        fg, bg = colour(cell.fg, FOREGROUND), colour(cell.bg, BACKGROUND)
        if cell.reverse:
            fg, bg = bg, fg
        # SGR 2 (dim) is not kept by pyte; bright black already reads as dim.
        glyph = cell.data or " "
        span = 2 if unicodedata.east_asian_width(glyph[0]) in "WF" else 1
        left, top = self.pad + x * self.cell_w, self.pad + y * self.cell_h
        right, bottom = left + span * self.cell_w, top + self.cell_h
        draw.rectangle([left, top, right - 1, bottom - 1], fill=bg)
        if glyph[0] in BOX_ARMS:
            self.box(draw, BOX_ARMS[glyph[0]], left, top, fg, cell.bold)
        elif glyph[0] == "█":
            draw.rectangle([left, top + 2, right - 1, bottom - 3], fill=fg)
        elif glyph[0] == "░":
            draw.rectangle([left, top + 2, right - 1, bottom - 3], fill=mix(bg, fg, 0.25))
        elif 0x2800 <= ord(glyph[0]) <= 0x28FF:
            self.braille(draw, ord(glyph[0]) - 0x2800, left, top, fg)
        elif glyph != " ":
            font = self.wide if span == 2 else (self.bold if cell.bold else self.regular)
            draw.text((left, top + 1), glyph, font=font, fill=fg)
        if cell.underscore:
            draw.line([left, bottom - 2, right - 1, bottom - 2], fill=fg)

    # Braille dots by bit: (column, row) in a 2×4 grid (spinners; DejaVu Sans Mono lacks them).
    BRAILLE_DOTS = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]

    def braille(self, draw, bits, left, top, fg):
        radius = max(1, self.cell_w // 8)
        for bit, (column, row) in enumerate(self.BRAILLE_DOTS):
            if bits & (1 << bit):
                cx = left + self.cell_w * (1 + 2 * column) // 4
                cy = top + self.cell_h * (1 + 2 * row) // 8
                draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=fg)

    def box(self, draw, arms, left, top, fg, bold):
        width = 2 if bold else 1
        mid_x, mid_y = left + self.cell_w // 2, top + self.cell_h // 2
        if "l" in arms:
            draw.line([left, mid_y, mid_x, mid_y], fill=fg, width=width)
        if "r" in arms:
            draw.line([mid_x, mid_y, left + self.cell_w, mid_y], fill=fg, width=width)
        if "u" in arms:
            draw.line([mid_x, top, mid_x, mid_y], fill=fg, width=width)
        if "d" in arms:
            draw.line([mid_x, mid_y, mid_x, top + self.cell_h], fill=fg, width=width)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture")
    parser.add_argument("png")
    parser.add_argument("--cols", type=int, default=80)
    parser.add_argument("--rows", type=int, default=24)
    parser.add_argument("--font-size", type=int, default=16)
    args = parser.parse_args()
    with open(args.capture, encoding="utf-8") as handle:
        capture = handle.read()
    image = Renderer(args.cols, args.rows, args.font_size).render(capture)
    image.save(args.png)
    print(f"{args.png}: {image.size[0]}x{image.size[1]}")


if __name__ == "__main__":
    main()
