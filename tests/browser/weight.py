"""What a page weighs on the wire, as production sends it (tests of page weight)."""

import gzip
import json
import re

import brotli


def manifest(collected_static):
    return json.loads((collected_static / "staticfiles.json").read_text())["paths"]


def transferred(responses, collected_static):
    """The bytes `responses` (Playwright responses of one page load) cost, photos aside.

    Each file is counted as production sends it to Chromium over HTTP: static files as
    the gzip copies collectstatic made (whitenoise serves them; brotli too over HTTPS),
    the page gzip-compressed as the proxy in front of gunicorn sends it, plus headers.
    Returns (rows, total_gzip, total_brotli, report): rows are (path, resource type,
    gzip bytes, brotli bytes); the totals include headers; report is a text table.
    """
    paths = manifest(collected_static)
    rows, total_gzip, total_brotli = [], 0, 0
    for response in responses:
        if response.request.resource_type == "image" and "/media/" in response.url:
            continue  # the photos
        path = re.sub(r"^https?://[^/]+", "", response.url).split("?")[0]
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
            hashed = collected_static / paths[name]
            gz = hashed.parent / (hashed.name + ".gz")
            br = hashed.parent / (hashed.name + ".br")
            size_gzip = gz.stat().st_size if gz.exists() else hashed.stat().st_size
            size_brotli = br.stat().st_size if br.exists() else size_gzip
        else:
            body = response.body()
            size_gzip = len(gzip.compress(body, compresslevel=6))
            size_brotli = len(brotli.compress(body, quality=5))
        rows.append((path, response.request.resource_type, size_gzip, size_brotli))
        total_gzip += size_gzip + headers
        total_brotli += size_brotli + headers
    report = "\n".join(f"{t:10} {g:7,} {b:7,}  {p}" for p, t, g, b in rows)
    report += f"\ntotal (with headers): gzip {total_gzip:,} B, brotli {total_brotli:,} B\n"
    return rows, total_gzip, total_brotli, report
