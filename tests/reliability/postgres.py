"""A private PostgreSQL instance for fault tests: started, restarted and stopped by the test.

It runs from the installed server binaries on a free port of 127.0.0.1 with its data in
a temporary folder, so restarting it touches nobody else's database. As root (CI, these
machines) the server runs as the `postgres` user, as PostgreSQL requires.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def find_binaries():
    for folder in BIN_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    def __init__(self):
        self.bin = find_binaries()
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="np_hard_pg_"))
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/np_hard_fault"

    def run(self, *args, timeout=60):
        return subprocess.run(
            [*self.as_postgres, *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def init(self):
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data / "db"), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self.start()
        self.run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
            "postgres", "np_hard_fault",
        )  # fmt: skip

    def start(self):
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=40 -c shared_buffers=16MB"
        )
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-o", options, "-l",
            str(self.data / "log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode="fast"):
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data / "db"), "-m", mode, "-w", "stop")

    def terminate_connections(self):
        """Kill every connection to the test database, as an admin or a failover would."""
        with contextlib.closing(self.connect()) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = 'np_hard_fault' AND pid <> pg_backend_pid()"
                )
                return cursor.fetchone()[0]

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="np_hard_fault"
        )

    def destroy(self):
        with contextlib.suppress(Exception):
            self.stop(mode="immediate")
        shutil.rmtree(self.data, ignore_errors=True)


def wait_for_http(url, timeout=30):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (127.0.0.1)
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")
