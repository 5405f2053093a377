"""The nginx recipe (docs/nginx/newsportal.conf) run unprivileged from a folder of its own.

Used by its tests (tests/deployment/test_nginx.py, and test_several_servers.py with
two app servers upstream) and by `make bench`: the recipe as shipped, with the values a
deployment sets (app servers' ports, nginx's port, folders) replaced, the micro-cache
lifetime chosen, and optionally the `X-Cache-Status` line it leaves commented out.
nginx runs in the foreground from `folder` (its prefix: pid, logs, temp and cache
folders), on 127.0.0.1 only.
"""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "docs" / "nginx" / "newsportal.conf"
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
SHIPPED_LIFETIME = "proxy_cache_valid 200 301 10s;"
# The recipe's one app server, with its passive health check (docs/deployment.md).
UPSTREAM_SERVER = "server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;"

MAIN_CONF = """
worker_processes {workers};
pid {folder}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {access_log};
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/newsportal.conf;
}}
"""


SHIPPED_ACCESS_LOG = "access_log /var/log/nginx/newsportal.access.log newsportal;"


def upstream_ports(gunicorn_port):
    """The app servers' ports as a list: `gunicorn_port` is one port (int) or several."""
    if isinstance(gunicorn_port, int):
        return [gunicorn_port]
    ports = [int(port) for port in gunicorn_port]
    if not ports:
        raise ValueError("the recipe needs at least one app server")
    return ports


def render(
    folder,
    gunicorn_port,
    nginx_port,
    static_root,
    lifetime=None,
    status_header=False,
    access_log=True,
):
    """The recipe's text with this run's values; raises AssertionError when a value the
    recipe should hold is missing (the recipe changed: update the substitutions here).

    `gunicorn_port` is one port of 127.0.0.1 (int) or a sequence of them: the recipe's
    `upstream` block then has one `server` line per port, each with the recipe's own
    max_fails and fail_timeout, as an operator adds one line per machine.
    `access_log`: True for the recipe's JSON log in `folder`/access.log, False for none."""
    servers = "\n    ".join(
        UPSTREAM_SERVER.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        for port in upstream_ports(gunicorn_port)
    )
    substitutions = {
        SHIPPED_ACCESS_LOG: f"access_log {folder}/access.log newsportal;"
        if access_log
        else "access_log off;",
        "/var/cache/nginx/newsportal": f"{folder}/cache",
        UPSTREAM_SERVER: servers,
        "listen 80;": f"listen 127.0.0.1:{nginx_port};",
        "server_name newsportal.example;": "server_name 127.0.0.1;",
        "alias /srv/newsportal/staticfiles/;": f"alias {static_root}/;",
    }
    if lifetime is not None:
        substitutions[SHIPPED_LIFETIME] = f"proxy_cache_valid 200 301 {lifetime}s;"
    if status_header:
        substitutions["# add_header X-Cache-Status"] = "add_header X-Cache-Status"
    text = RECIPE.read_text()
    for shipped, ours in substitutions.items():
        if shipped not in text:
            raise AssertionError(f"the nginx recipe no longer has {shipped!r}")
        text = text.replace(shipped, ours)
    return text


def start(folder, gunicorn_port, nginx_port, static_root, workers=1, access_log=True, **options):
    """Write the configuration into `folder`, check it (`nginx -t`), start nginx in the
    foreground and return its Popen. `gunicorn_port`: one port or several (`render`).
    `folder` must be readable by nginx's workers (nobody, when started as root).
    Raises RuntimeError when the check fails."""
    folder = Path(folder)
    (folder / "newsportal.conf").write_text(
        render(folder, gunicorn_port, nginx_port, static_root, access_log=access_log, **options)
    )
    (folder / "nginx.conf").write_text(
        MAIN_CONF.format(
            folder=folder,
            workers=workers,
            access_log=f"{folder}/access.log" if access_log else "off",
        )
    )
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    command += ["-e", str(folder / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)  # noqa: S603
    if check.returncode != 0:
        raise RuntimeError(check.stderr)
    return subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)  # noqa: S603
