"""A real Passation server process on a free port, on its own freshly migrated SQLite file."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy.engine import Engine

from web.db import make_engine
from web.migrate import upgrade
from web.settings import ROOT

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`uvicorn --factory web.app:asgi_app` as a child process, like `make run` starts it."""

    def __init__(self, folder: Path) -> None:
        self.database_url = f"sqlite:///{folder / 'browser.sqlite3'}"
        self.log_path = folder / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.engine: Engine | None = None

    def start(self) -> None:
        upgrade(self.database_url)
        env = {**os.environ, "DATABASE_URL": self.database_url, "PASSATION_ENV": "test",
               "SECRET_KEY": secrets.token_urlsafe(48),
               # the footer's source link on every page, so that axe checks it too
               "SOURCE_URL": "https://code.example.fr/passation"}
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "uvicorn", "--factory", "web.app:asgi_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_healthy()
        self.engine = make_engine(self.database_url)

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/sante", timeout=2) as response:  # noqa: S310
                    if response.read() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"the server did not answer /sante within {STARTUP_SECONDS} s:\n{self.log()}")

    def log(self, last_lines: int = 60) -> str:
        if not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-last_lines:])

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
