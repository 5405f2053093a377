"""`make lighthouse`: Lighthouse (mobile) on the reader's pages, as production serves them.

1. A PostgreSQL database of its own (LIGHTHOUSE_DATABASE, default np_lighthouse),
   recreated, migrated and filled by `manage.py seed_demo` (the demo content, with its
   drawn photos, in artifacts/lighthouse-media as MEDIA_ROOT).
2. Static files collected into a temporary folder; gunicorn started with production
   settings (DEBUG off, hashed and compressed static files, Redis as the cache) and the
   nginx recipe (docs/nginx/newsportal.conf, tools/nginx_recipe.py) in front of it, as in
   `make bench`: gzip, static files, the micro-cache.
3. Lighthouse (npm package `lighthouse`, LIGHTHOUSE_VERSION, run with npx; Chromium at
   CHROME_PATH, default /usr/bin/chromium) on the home page, the first section, the
   newest article with a hero photo (and its light page, /leger/), the search page and a
   search's results, with its default mobile profile (simulated slow 4G, 4× CPU
   slowdown), LIGHTHOUSE_RUNS times each (1).
4. The four category scores (performance, accessibility, best practices, SEO, 0–100)
   and the timings behind performance are printed as a Markdown table, and each report
   is kept in artifacts/lighthouse/ (JSON).

Exit status 1 when a category scores below 100 (the target of docs/benchmarks.md) for
another reason than one of EXPECTED (search results are kept out of search engines);
performance moves with the machine's load, so the load is printed beside the table.
Environment: LIGHTHOUSE_DATABASE, LIGHTHOUSE_PG (postgres://postgres@127.0.0.1:5432),
LIGHTHOUSE_REDIS (redis://127.0.0.1:6379/7), LIGHTHOUSE_RUNS, LIGHTHOUSE_VERSION,
LIGHTHOUSE_REUSE_DATABASE (keep an existing seeded database), CHROME_PATH.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools import bench, nginx_recipe  # noqa: E402  (the repository root is on the path now)

PYTHON = sys.executable
DATABASE = os.environ.get("LIGHTHOUSE_DATABASE", "np_lighthouse")
PG = os.environ.get("LIGHTHOUSE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LIGHTHOUSE_REDIS", "redis://127.0.0.1:6379/7")
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))
VERSION = os.environ.get("LIGHTHOUSE_VERSION", "12.2.3")
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
OUT = ROOT / "artifacts" / "lighthouse"
# The seeded photos, kept with the database for LIGHTHOUSE_REUSE_DATABASE.
MEDIA = ROOT / "artifacts" / "lighthouse-media"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TIMINGS = (
    ("FCP", "first-contentful-paint"),
    ("LCP", "largest-contentful-paint"),
    ("TBT", "total-blocking-time"),
    ("CLS", "cumulative-layout-shift"),
)
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)

# The pages: (name, Python printing the path), run with `manage.py shell -c`.
PAGES_CODE = """
from articles.models import Article, Section
live = Article.objects.published()
section = Section.objects.filter(parent=None, articles__in=live).distinct().order_by("pk").first()
article = live.exclude(hero_image=None).order_by("-published_at").first()
word = max(article.title.split(), key=len).strip(".,;:!?«»")
print("home", "/")
print("section", section.get_absolute_url())
print("article", article.get_absolute_url())
print("light article", "/leger" + article.get_absolute_url())
print("search", "/recherche/")
print("search results", "/recherche/?q=" + word)
"""

# What a page fails on purpose: (page, audit id) → why. Search results carry
# `noindex` (and robots.txt keeps crawlers out of them): endless combinations of words,
# and a spammer's words in a link of their own, are never indexed.
EXPECTED = {("search results", "is-crawlable"): "noindex on purpose (docs/benchmarks.md)"}


def server_env(port, static_root, media_root):
    """The benchmark's production environment (tools/bench.py), on this run's database."""
    env = bench.server_env(port, static_root)
    env.update(
        DATABASE_URL=f"{PG}/{DATABASE}",
        REDIS_URL=REDIS,
        MEDIA_ROOT=str(media_root),
        BENCHMARK_FLOOR="false",
        PAGE_CACHE_STATUS_HEADER="false",
        TRUSTED_PROXY_COUNT="1",
    )
    return env


def prepare_database(env):
    """Recreate, migrate and seed the database and MEDIA (unless kept: REUSE)."""
    admin = f"{PG}/postgres"
    names = bench.output("psql", admin, "-tAc", "SELECT datname FROM pg_database").split()
    if os.environ.get("LIGHTHOUSE_REUSE_DATABASE") and DATABASE in names:
        print(f"database {DATABASE}: kept as it is (LIGHTHOUSE_REUSE_DATABASE)")
        bench.run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
        return
    shutil.rmtree(MEDIA, ignore_errors=True)
    MEDIA.mkdir(parents=True)
    bench.run("psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    bench.run("psql", admin, "-qc", f'CREATE DATABASE "{DATABASE}"')
    bench.run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
    bench.run(PYTHON, "manage.py", "seed_demo", env={**env, "DEMO_PASSWORD": "lighthouse"})


def pages(env):
    """[(name, path)] of the four pages, from the seeded database."""
    out = bench.output(PYTHON, "manage.py", "shell", "-c", PAGES_CODE, env=env)
    lines = out.strip().splitlines()[-6:]
    return [tuple(line.rsplit(" ", 1)) for line in lines]


def lighthouse(url, report):
    """Run Lighthouse on `url`, write its JSON to `report` and return it (dict)."""
    npx = shutil.which("npx")
    if not npx:
        raise SystemExit("npx is missing: apt-get install -y npm")
    command = [npx, "--yes", f"lighthouse@{VERSION}", url, "--form-factor=mobile"]
    command += ["--output=json", f"--output-path={report}", "--quiet"]
    command += [f"--chrome-flags={CHROME_FLAGS}"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROME}, check=True)  # noqa: S603
    return json.loads(report.read_text())


def failed_audits(result, category):
    """The ids of the audits of `category` that scored below 1 (list of str)."""
    audits = result["audits"]
    refs = result["categories"][category]["auditRefs"]
    return [
        ref["id"]
        for ref in refs
        if ref.get("weight") and audits[ref["id"]]["score"] not in (None, 1)
    ]


def row(name, result):
    """One Markdown row: the four scores (0–100) and FCP, LCP (s), TBT (ms), CLS."""
    scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
    audits = result["audits"]
    timings = []
    for label, key in TIMINGS:
        value = audits[key]["numericValue"]
        timings.append(
            f"{value / 1000:.1f} s"
            if label in ("FCP", "LCP")
            else (f"{value:.0f} ms" if label == "TBT" else f"{value:.3f}")
        )
    cells = [name, *map(str, scores), *timings]
    return "| " + " | ".join(cells) + " |", scores


def main():
    port, nginx_port = bench.free_port(), bench.free_port()
    static_root = Path(tempfile.mkdtemp(prefix="np-lighthouse-static-"))
    folder = Path(tempfile.mkdtemp(prefix="np-lighthouse-nginx-"))
    for path in (static_root, folder):
        path.chmod(0o755)  # noqa: S103  (nginx's workers run as nobody)
    env = server_env(port, static_root, MEDIA)
    print(f"database {DATABASE}: seeding the demo content")
    prepare_database(env)
    bench.run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    env["WEB_CONCURRENCY"] = "3"
    server = bench.start_gunicorn(env)
    nginx = nginx_recipe.start(folder, port, nginx_port, static_root, access_log=False)
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    below = []
    try:
        bench.wait_until_up(f"http://127.0.0.1:{port}")
        base = f"http://127.0.0.1:{nginx_port}"
        for name, path in pages(env):
            for run in range(1, RUNS + 1):
                bench.status_of(base + path, {})  # warm the caches, as a visited page is
                result = lighthouse(base + path, OUT / f"{name}-{run}.json")
                line, scores = row(f"{name} (`{path}`)", result)
                lines.append(line)
                print(line, flush=True)
                for category, score in zip(CATEGORIES, scores, strict=True):
                    if score == 100:
                        continue
                    failed = failed_audits(result, category)
                    why = [EXPECTED.get((name, audit)) for audit in failed]
                    if failed and all(why):
                        print(f"  {name}: {category} {score}: {', '.join(failed)}: {why[0]}")
                    else:
                        below.append(f"{name}: {category} {score} ({', '.join(failed)})")
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for path in (static_root, folder):
            shutil.rmtree(path, ignore_errors=True)
    print()
    print(f"Lighthouse {VERSION}, mobile, machine load {bench.load()}:")
    print("\n".join(lines))
    if below:
        print("below 100: " + "; ".join(below))
        sys.exit(1)


if __name__ == "__main__":
    main()
