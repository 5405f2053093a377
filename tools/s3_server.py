"""An S3-compatible object store on 127.0.0.1 for the tests and the benchmarks.

It is moto's server (`moto_server`, a dev dependency): a real HTTP server speaking the
S3 API, started as a process of its own, so the portal talks to it through boto3 and
django-storages exactly as it would talk to AWS S3, MinIO or another provider. Nothing
in the product imports this module.

    with S3Server() as s3:             # starts moto_server on a free port
        s3.create_bucket("newsportal-media")
        env = s3.environ("newsportal-media")   # the portal's MEDIA_STORAGE=s3 settings

Raises RuntimeError when the server does not answer within `timeout` seconds.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ACCESS_KEY = "newsportal-test"
SECRET_KEY = "newsportal-test-secret"  # noqa: S105 - a local test server's
REGION = "us-east-1"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def moto_server_command():
    """The `moto_server` beside the running Python (the project's venv), else on PATH."""
    beside = Path(sys.executable).with_name("moto_server")
    if beside.exists():
        return str(beside)
    found = shutil.which("moto_server")
    if not found:
        raise RuntimeError("moto_server is not installed (it comes with the dev dependencies)")
    return found


class S3Server:
    """moto's S3 server, listening on 127.0.0.1 only, for the life of a `with` block.

    `endpoint` is its base URL (http://127.0.0.1:PORT). Buckets live in the server's
    memory and vanish with it.
    """

    def __init__(self, port=None, timeout=20):
        self.port = port or _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.timeout = timeout
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command of our venv
            [moto_server_command(), "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/", timeout=1):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not answer on {self.endpoint}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def client(self):
        """A boto3 S3 client for this server (the tests' own, to look behind the portal)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def create_bucket(self, name):
        """Make an empty bucket `name`, private like a new bucket on AWS."""
        self.client().create_bucket(Bucket=name)
        return name

    def environ(self, bucket):
        """The environment variables that point the portal's media at `bucket` here
        (docs/configuration.md names them)."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }
