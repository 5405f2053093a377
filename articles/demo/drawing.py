"""Demo photos and ad banners, drawn with Pillow."""

import colorsys
import random
from io import BytesIO

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont


def hex_rgb(colour):
    """ "#rrggbb" as an (r, g, b) tuple of 0–255 ints."""
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _gradient(size, top, bottom):
    mask = PILImage.linear_gradient("L").resize(size)
    return PILImage.composite(
        PILImage.new("RGB", size, bottom), PILImage.new("RGB", size, top), mask
    )


def _shade(rgb, factor):
    h, lightness, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb(h, max(0, min(1, lightness * factor)), s)
    return (round(r * 255), round(g * 255), round(b * 255))


def draw_photo(photo, accent, initials, size):
    """Draw a photo-like illustration for `photo`; return JPEG bytes."""
    rng = random.Random(photo.seed)  # noqa: S311 (drawing, not secrets)
    width, height = size
    horizon = int(height * rng.uniform(0.55, 0.7))
    picture = _gradient(size, *photo.sky)
    draw = ImageDraw.Draw(picture)
    ground = _shade(photo.sky[1], 0.45)

    if photo.scene in ("savanna", "globe"):
        sun_x, sun_r = rng.randint(200, width - 200), rng.randint(70, 150)
        sun_y = horizon - rng.randint(120, 380)
        colour = (250, 220, 150) if photo.scene == "savanna" else _shade(accent, 1.3)
        draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=colour)
        if photo.scene == "globe":
            for k in range(1, 4):
                draw.arc(
                    (sun_x - sun_r * k // 3, sun_y - sun_r, sun_x + sun_r * k // 3, sun_y + sun_r),
                    0, 360, fill=_shade(accent, 0.7), width=4,
                )  # fmt: skip
            draw.line(
                (sun_x - sun_r, sun_y, sun_x + sun_r, sun_y), fill=_shade(accent, 0.7), width=4
            )
    for layer in range(3):
        points = [(0, height)]
        for x in range(0, width + 200, 200):
            points.append((x, horizon - rng.randint(0, 140) + layer * 60))
        points.append((width, height))
        draw.polygon(points, fill=_shade(ground, 1.4 - layer * 0.3))

    if photo.scene == "skyline":
        x = 0
        while x < width:
            w, h = rng.randint(60, 180), rng.randint(120, 520)
            body = _shade(ground, rng.uniform(0.6, 1.1))
            draw.rectangle((x, horizon - h, x + w, height), fill=body)
            for wy in range(horizon - h + 20, horizon, 40):
                for wx in range(x + 12, x + w - 20, 30):
                    if rng.random() < 0.45:
                        draw.rectangle((wx, wy, wx + 12, wy + 18), fill=(250, 225, 160))
            x += w + rng.randint(0, 30)
    elif photo.scene == "savanna":
        for _ in range(rng.randint(3, 7)):
            tx, ty = rng.randint(50, width - 50), horizon + rng.randint(0, 200)
            draw.rectangle((tx - 8, ty - 160, tx + 8, ty), fill=(40, 30, 20))
            draw.ellipse((tx - 130, ty - 220, tx + 130, ty - 140), fill=(35, 55, 30))
    elif photo.scene == "stadium":
        draw.polygon(
            [(0, height), (width, height), (width - 250, horizon), (250, horizon)],
            fill=(40, 130, 60),
        )
        draw.line((width // 2, horizon, width // 2, height), fill="white", width=6)
        draw.ellipse((width // 2 - 160, horizon + 120, width // 2 + 160, horizon + 300),
                     outline="white", width=6)  # fmt: skip
        for i in range(8):
            y = horizon - 40 - i * 40
            draw.rectangle((0, y, width, y + 30), fill=_shade(accent, 0.6 + i * 0.06))
    elif photo.scene == "stage":
        for _ in range(4):
            x = rng.randint(0, width)
            draw.polygon(
                [(x - 20, 0), (x + 20, 0), (x + rng.randint(150, 400), height),
                 (x - rng.randint(150, 400), height)],
                fill=_shade((250, 240, 200), rng.uniform(0.8, 1.0)),
            )  # fmt: skip
        draw.rectangle((0, min(horizon + 120, height), width, height), fill=(30, 20, 30))
    elif photo.scene == "initials":
        for _ in range(6):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(60, 260)
            draw.ellipse((x - r, y - r, x + r, y + r), outline=_shade(accent, 1.5), width=10)

    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    draw = ImageDraw.Draw(picture)
    # The section's colour as an accent band, and its initials: pictures of one
    # section look like a series.
    draw.rectangle((0, height - 36, width, height), fill=accent)
    if photo.scene == "initials" or rng.random() < 0.3:
        font = ImageFont.load_default(size=420)
        draw.text((80, 80), initials, font=font, fill=_shade(accent, 1.6))

    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def draw_banner(size, lines, accent):
    """Draw an ad banner (advertiser and slogan); return PNG bytes."""
    width, height = size
    picture = _gradient(size, _shade(accent, 0.6), _shade(accent, 1.3))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((8, 8, width - 9, height - 9), outline="white", width=4)
    sizes = [min(height // 4, 80)] + [min(height // 7, 44)] * (len(lines) - 1)
    y = (height - sum(s * 1.3 for s in sizes)) / 2
    for line, font_size in zip(lines, sizes, strict=True):
        font = ImageFont.load_default(size=font_size)
        while font_size > 12 and draw.textlength(line, font=font) > width - 48:
            font_size -= 4
            font = ImageFont.load_default(size=font_size)
        draw.text((width / 2, y), line, font=font, fill="white", anchor="ma")
        y += font_size * 1.3
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------- writing to the database
