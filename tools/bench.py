"""`make bench`: the benchmark of issue 6, in one run, written to docs/benchmarks.md.

1. A PostgreSQL database of its own (BENCH_DATABASE, default np_perf_bench), recreated,
   migrated and filled by `manage.py bench_dataset` (2,000 articles, 200 tags, one
   article with 50 approved comments).
2. Static files collected into a temporary folder; gunicorn started with production
   settings (DEBUG off, hashed static files, Redis cache) and gunicorn.conf.py, on
   127.0.0.1 and a free port, with BENCHMARK_FLOOR on (the /bench/floor/ view).
3. wrk (installed with apt-get when missing) drives each target for BENCH_SECONDS
   (10 s), 2 threads, 16 connections: req/s, p50, p99, and the ratio to the floor
   measured in the same run.
4. The nginx recipe (docs/nginx/newsportal.conf, started by tools/nginx_recipe.py from a
   temporary folder, on a free port) in front of the same gunicorn: the same article
   through it, and an article whose page the portal marks public (comments closed by
   age), which nginx's micro-cache serves.
5. Worker memory (RSS) after warm-up and after 10,000 more requests.
6. With BENCH_SERVERS=2, a second gunicorn (server B, same database, Redis and settings)
   and a second nginx with both servers in the recipe's upstream block: the targets of
   SERVERS_TARGETS are measured through nginx with one app server (A) and with two
   (A and B), in turn, BENCH_SERVERS_ROUNDS times (2), in the same run, and written
   with their ratio. Each app server stands for
   a machine: on a machine with 2 cores or more, A runs on core 0 and B on core 1
   (BENCH_PIN=0: unpinned), with 2 workers per core + 1 each, so that the second server
   brings cores of its own, as a second machine would; nginx and wrk are not pinned.

The machine's load (`uptime`) is written with the figures: other work on the machine
moves them, the ratios measured in one run much less.

Environment: BENCH_DATABASE, BENCH_PG (postgres://postgres@127.0.0.1:5432),
BENCH_REDIS (redis://127.0.0.1:6379/6), BENCH_SECONDS, BENCH_THREADS, BENCH_CONNECTIONS,
WEB_CONCURRENCY (gunicorn workers), BENCH_REUSE_DATABASE (keep an existing dataset:
for trying a change; a run for the doc rebuilds it), BENCH_NGINX=0 (without nginx),
BENCH_SERVERS (1 or 2 app servers; 2 writes a block of its own, "two servers"),
BENCH_PIN (1: one core per app server when BENCH_SERVERS=2).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools import nginx_recipe  # noqa: E402  (the repository root is on the path now)

PYTHON = sys.executable
DATABASE = os.environ.get("BENCH_DATABASE", "np_perf_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/6")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
DOC = ROOT / "docs/benchmarks.md"
# BENCH_LABEL names a variant (say, PAGE_CACHE_CHECK_SECONDS=1) with its own block.
SERVERS = int(os.environ.get("BENCH_SERVERS", "1"))
if SERVERS not in (1, 2):
    raise SystemExit("BENCH_SERVERS is 1 or 2")
PIN = SERVERS == 2 and os.environ.get("BENCH_PIN", "1") != "0" and (os.cpu_count() or 1) >= 2
LABEL = os.environ.get("BENCH_LABEL", "two servers" if SERVERS == 2 else "")
START = f"<!-- make bench{f' ({LABEL})' if LABEL else ''}: start -->"
END = f"<!-- make bench{f' ({LABEL})' if LABEL else ''}: end -->"

# An uncached page: the request carries a session cookie, so the page cache lets it
# through and the page is rendered in full, as for a logged-in reader.
UNCACHED = {"Cookie": "sessionid=benchmark"}
TARGETS = [
    ("floor (30 KB string)", "/bench/floor/", {}),
    ("article, uncached", "/article/article-de-reference/", UNCACHED),
    ("article, cached", "/article/article-de-reference/", {}),
    ("home, cached", "/", {}),
    ("section, cached", "/rubrique/afrique/", {}),
    ("search", "/recherche/?q=sommet", {}),
]
# Through the nginx recipe: the reference article (its comment form makes it private
# until every public page is the same for all readers) and an article the portal marks
# public (comments closed by age; its address is found at run time).
NGINX_TARGETS = [
    ("article via nginx", "/article/article-de-reference/", {}),
    ("public article via nginx", None, {}),
]
# With BENCH_SERVERS=2: through nginx with one app server, then with two, SERVERS_ROUNDS
# times in turn (the load of a shared machine drifts). The first two reach an app
# server on every request (a session cookie bypasses nginx's cache and its lock, and
# the portal's page cache), the last is nginx's micro-cache, where app servers do not
# count.
SERVERS_ROUNDS = int(os.environ.get("BENCH_SERVERS_ROUNDS", "2"))
SERVERS_TARGETS = [
    ("floor via nginx", "/bench/floor/", UNCACHED),
    ("article, uncached, via nginx", "/article/article-de-reference/", UNCACHED),
    ("public article via nginx", None, {}),
]
TARGETS_RATIO = {
    "article, uncached": 0.12,
    "article, cached": 0.9,
    "home, cached": 0.7,
    "section, cached": 0.7,
    "article via nginx": 5,
    "public article via nginx": 5,
}


def run(*args, env=None, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def output(*args, env=None):
    """What a program run as `run` prints (str)."""
    return run(*args, env=env, capture_output=True, text=True).stdout


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing it with apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run(*sudo, "apt-get", "update", "-qq")
    run(*sudo, "apt-get", "install", "-y", "-qq", "wrk")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port, static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{PG}/{DATABASE}",
        REDIS_URL=REDIS,
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_ROOT=str(static_root),
        BENCHMARK_FLOOR="true",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
        LOG_LEVEL="ERROR",
        # The page cache's status header (off in production) tells the bench it hits.
        PAGE_CACHE_STATUS_HEADER="true",
        TRUSTED_PROXY_COUNT="1" if os.environ.get("BENCH_NGINX", "1") != "0" else "0",
    )
    return env


def start_gunicorn(env, cpu=None):
    """gunicorn with gunicorn.conf.py and `env`; on core `cpu` only when it is given."""
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    command = [gunicorn, "-c", "gunicorn.conf.py"]
    return subprocess.Popen(command, cwd=ROOT, env=env, preexec_fn=pin)  # noqa: S603, PLW1509


def prepare_database(env):
    admin = f"{PG}/postgres"
    if os.environ.get("BENCH_REUSE_DATABASE"):
        names = output("psql", admin, "-tAc", "SELECT datname FROM pg_database").split()
        if DATABASE in names:
            print(f"database {DATABASE}: kept as it is (BENCH_REUSE_DATABASE)")
            run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
            return
    run("psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    run("psql", admin, "-qc", f'CREATE DATABASE "{DATABASE}"')
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
    # The benchmark commands are tooling, installed only on demand (tools/benchmarks).
    run(PYTHON, "manage.py", "bench_dataset", env={**env, "BENCHMARKS": "true"})
    if "update_search_vectors" in output(PYTHON, "manage.py", "help", "--commands", env=env):
        run(PYTHON, "manage.py", "update_search_vectors", env=env)


def wait_until_up(base):
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer on /healthz")


def status_of(url, headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
            state = response.headers.get("X-Page-Cache", "")
            if nginx_state := response.headers.get("X-Cache-Status"):
                state = f"nginx {nginx_state}, {response.headers.get('Cache-Control')}"
            return response.status, state
    except urllib.error.HTTPError as error:
        return error.code, ""


def public_article(env):
    """The oldest article's address: its comments have closed, so its page is public."""
    code = (
        "from articles.models import Article; "
        "print(Article.objects.published().order_by('published_at').first().get_absolute_url())"
    )
    return output(PYTHON, "manage.py", "shell", "-c", code, env=env).strip().splitlines()[-1]


def load():
    """The machine's load averages (1, 5, 15 min), as `uptime` shows them."""
    return "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


LATENCY_RE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1, "s": 1000}


def wrk(url, headers, seconds=SECONDS):
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {p: float(v) * UNIT[u] for p, v, u in LATENCY_RE.findall(out)}
    return {
        "rate": rate,
        "total": total,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def worker_rss(master_pid):
    out = subprocess.run(
        ["ps", "-o", "pid=,rss=", "--ppid", str(master_pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [int(rss) // 1024 for _, rss in (line.split() for line in out.strip().splitlines())]


def main():
    ensure_wrk()
    port = free_port()
    static_root = Path(tempfile.mkdtemp(prefix="np-bench-static-"))
    env = server_env(port, static_root)
    print(f"database {DATABASE}: building the dataset")
    prepare_database(env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    cores = 1 if PIN else os.cpu_count()
    workers = int(os.environ.get("WEB_CONCURRENCY", cores * 2 + 1))
    env["WEB_CONCURRENCY"] = str(workers)
    server = start_gunicorn(env, cpu=0 if PIN else None)
    servers = [server]
    base = f"http://127.0.0.1:{port}"
    targets = [(name, path, headers, base) for name, path, headers in TARGETS]
    nginxes, nginx_folders = [], []

    def start_nginx(ports):
        folder = Path(tempfile.mkdtemp(prefix="np-bench-nginx-"))
        folder.chmod(0o755)  # noqa: S103  (nginx's workers run as nobody)
        static_root.chmod(0o755)  # noqa: S103
        nginx_folders.append(folder)
        nginx_port = free_port()
        nginxes.append(
            nginx_recipe.start(
                folder,
                ports,
                nginx_port,
                static_root,
                workers=os.cpu_count(),
                access_log=False,
                status_header=True,
            )
        )
        return f"http://127.0.0.1:{nginx_port}"

    if os.environ.get("BENCH_NGINX", "1") != "0" and os.path.exists(nginx_recipe.NGINX):
        one = start_nginx(port)
        article = public_article(env)
        targets += [(name, path or article, headers, one) for name, path, headers in NGINX_TARGETS]
        if SERVERS == 2:
            port_b = free_port()
            servers.append(
                start_gunicorn(
                    {**env, "GUNICORN_BIND": f"127.0.0.1:{port_b}"}, cpu=1 if PIN else None
                )
            )
            two = start_nginx([port, port_b])
            for round_ in range(1, SERVERS_ROUNDS + 1):
                for label, origin in (("1 server", one), ("2 servers", two)):
                    targets += [
                        (f"{name}, {label}, round {round_}", path or article, headers, origin)
                        for name, path, headers in SERVERS_TARGETS
                    ]
    results, memory, loads = [], {}, {"start": load()}
    try:
        wait_until_up(base)
        if SERVERS == 2 and len(servers) == 2:
            wait_until_up(f"http://127.0.0.1:{port_b}")
        for _, path, headers, origin in targets:  # warm every page and every worker
            for _ in range(workers * 3):
                status_of(origin + path, headers)
        memory["after warm-up"] = worker_rss(server.pid)
        for name, path, headers, origin in targets:
            status, cache_state = status_of(origin + path, headers)
            if status != 200:
                print(f"  {name}: {path} answers {status}, skipped")
                continue
            result = wrk(origin + path, headers)
            result |= {"name": name, "path": path, "cache": cache_state}
            results.append(result)
            print(
                f"  {name:22} {result['rate']:9.1f} req/s  p50 {result['p50']:.2f} ms  "
                f"p99 {result['p99']:.2f} ms  ({cache_state or 'no page cache'})"
            )
        loads["after the targets"] = load()
        served = sum(r["total"] for r in results)
        memory[f"after the targets ({served:,} requests)"] = worker_rss(server.pid)
        extra = 0
        while extra < 10_000:
            for path in ("/article/article-de-reference/", "/", "/rubrique/afrique/"):
                extra += wrk(base + path, {}, seconds=3)["total"]
        memory[f"after {extra:,} more page requests"] = worker_rss(server.pid)
    finally:
        for nginx in nginxes:
            nginx.terminate()
            nginx.wait(timeout=30)
        for folder in nginx_folders:
            shutil.rmtree(folder, ignore_errors=True)
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            process.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
    write_doc(results, memory, workers, loads)


def write_doc(results, memory, workers, loads):
    floor = next(r for r in results if r["path"] == "/bench/floor/")["rate"]
    lines = [
        START,
        f"Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"(`{os.uname().nodename}`), gunicorn {workers} workers (gthread)"
        f"{' per app server, server A alone on core 0 (B on core 1)' if PIN else ''}, "
        f"wrk {THREADS} threads, {CONNECTIONS} connections, {SECONDS} s per target, "
        "all on 127.0.0.1; "
        f"PAGE_CACHE_LISTEN={os.environ.get('PAGE_CACHE_LISTEN', 'true')}, "
        f"PAGE_CACHE_CHECK_SECONDS={os.environ.get('PAGE_CACHE_CHECK_SECONDS', '0')}. "
        f"Load (uptime: 1, 5, 15 min): {'; '.join(f'{k} {v}' for k, v in loads.items())}.",
        "",
        "| target | req/s | p50 (ms) | p99 (ms) | ratio to floor | target ratio | met "
        "| served by |",
        "| --- | ---: | ---: | ---: | ---: | ---: | :---: | --- |",
    ]
    for r in results:
        ratio = r["rate"] / floor
        wanted = TARGETS_RATIO.get(r["name"])
        met = "" if wanted is None else ("yes" if ratio >= wanted else "**no**")
        lines.append(
            f"| {r['name']} (`{r['path']}`) | {r['rate']:,.0f} | {r['p50']:.2f} | "
            f"{r['p99']:.2f} | {ratio:.3f} | {'' if wanted is None else f'≥ {wanted}'} | {met} | "
            f"{r['cache'] or 'rendered'} |"
        )
    by_name = {r["name"]: r["rate"] for r in results}
    pairs = []
    for name, _, _ in SERVERS_TARGETS:
        rounds = [
            (
                by_name.get(f"{name}, 1 server, round {n}"),
                by_name.get(f"{name}, 2 servers, round {n}"),
            )
            for n in range(1, SERVERS_ROUNDS + 1)
        ]
        rounds = [(one, two) for one, two in rounds if one and two]
        if rounds:
            pairs.append((name, rounds))
    if pairs:
        pinned = "core 0 for A, core 1 for B" if PIN else "not pinned"
        lines += [
            "",
            f"Through nginx, one app server (A) then two (A and B) in its upstream block "
            f"({workers} gunicorn workers each; {pinned}):",
            "",
            "| target | 1 server (req/s, each round) | 2 servers (req/s, each round) "
            "| 2 servers / 1 server (each round) | overall |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {name} | {', '.join(f'{one:,.0f}' for one, _ in rounds)} | "
            f"{', '.join(f'{two:,.0f}' for _, two in rounds)} | "
            f"{', '.join(f'{two / one:.2f}' for one, two in rounds)} | "
            f"{sum(two for _, two in rounds) / sum(one for one, _ in rounds):.2f} |"
            for name, rounds in pairs
        ]
    lines += ["", "Worker memory (RSS, MB, one figure per worker):", ""]
    lines += [f"- {when}: {', '.join(map(str, rss))}" for when, rss in memory.items()]
    lines.append(END)
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + "\n".join(lines) + after)
    print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
