"""Real Redis and Prometheus servers on loopback, started and stopped by tests and benchmarks.

Debian's `redis-server` and `prometheus` (installed by scripts/setup-services.sh), each on a free
127.0.0.1 port with its data in a temporary directory, waited for by polling, never by sleeping
a fixed time.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

START_TIMEOUT_SECONDS = 20.0


def missing(*binaries: str) -> list[str]:
    """Which of `binaries` are not on PATH (tests skip locally, and fail under CI=true)."""
    if os.environ.get("CI") == "true":
        return []
    return [b for b in binaries if shutil.which(b) is None]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` every few milliseconds until it holds; raise naming `what` if not."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


class RedisServer:
    """`redis-server` without persistence on a free port (or a unix socket), restartable."""

    def __init__(self, *, password: str | None = None, unix_socket: bool = False) -> None:
        self.password = password
        self.dir = Path(tempfile.mkdtemp(prefix="deepseek-redis-"))
        self.port = 0 if unix_socket else free_port()
        self.socket_path = str(self.dir / "redis.sock") if unix_socket else None
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0, password: str | None = None) -> str:
        """How a client reaches this server (`password` overrides the real one, for faults)."""
        secret = self.password if password is None else password
        if self.socket_path:
            query = f"?db={db}" + (f"&password={secret}" if secret else "")
            return f"unix://{self.socket_path}{query}"
        auth = f":{secret}@" if secret else ""
        return f"redis://{auth}127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        """Start (again, on the same port) and wait until it answers PING."""
        args = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        if self.socket_path:
            args += ["--unixsocket", self.socket_path, "--unixsocketperm", "700"]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._answers, START_TIMEOUT_SECONDS, "redis-server answering PING")
        return self

    def cli(self, *command: str) -> str:
        """Run one command with redis-cli and return its raw output."""
        where = ["-s", self.socket_path] if self.socket_path else ["-p", str(self.port)]
        auth = ["--no-auth-warning", "-a", self.password] if self.password else []
        done = subprocess.run(
            ["redis-cli", *where, *auth, *command], capture_output=True, text=True, timeout=10
        )
        return done.stdout.strip()

    def _answers(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {self.proc.returncode}")
        return self.cli("PING") == "PONG"

    def pause(self) -> None:
        """SIGSTOP: connections stay open and nothing answers (a slowed or hung Redis)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after `pause`."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL and wait: Redis gone mid-session."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        """Kill the server and remove its directory."""
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrometheusServer:
    """Debian's `prometheus` scraping `targets` every `interval`, its TSDB in a temporary dir."""

    def __init__(self, targets: list[str], interval: str = "1s") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="deepseek-prometheus-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = self.dir / "prometheus.yml"
        listed = ", ".join(f"'{t}'" for t in targets)
        config.write_text(
            f"global:\n  scrape_interval: {interval}\n  evaluation_interval: {interval}\n"
            f"scrape_configs:\n  - job_name: deepseek-lsp\n"
            f"    static_configs:\n      - targets: [{listed}]\n"
        )
        self.config = config
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> PrometheusServer:
        """Start and wait until /-/ready answers."""
        args = [
            "prometheus",
            f"--config.file={self.config}",
            f"--storage.tsdb.path={self.dir / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
        ]
        log = open(self.dir / "prometheus.log", "wb")  # noqa: SIM115 (lives as long as the server)
        self.proc = subprocess.Popen(args, stdout=log, stderr=log, env=dict(os.environ))
        wait_until(self._ready, START_TIMEOUT_SECONDS * 3, "prometheus becoming ready")
        return self

    def _ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            log = (self.dir / "prometheus.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"prometheus exited with {self.proc.returncode}:\n{log}")
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as reply:
                return bool(reply.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        """Terminate and remove the TSDB."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)
