"""A throwaway Neo4j server for tests and benchmarks: ``tools/neo4j-server/run`` on a free port.

Machines here have Java and Maven but no Docker engine, so the tests and ``bench/run.py``
start Neo4j's own Community engine (built from Maven Central by the script) in a temporary
folder, and stop it with SIGTERM when done::

    with local_neo4j() as server:
        graph = MemoryGraph.open(server.uri, user="neo4j", password=server.password)

The first start builds the server (a download of about 125 MB into ~/.m2); later starts take
about 15 s.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RELEASES", "LocalNeo4j", "LocalNeo4jError", "local_neo4j", "missing_tools"]

RUN = Path(__file__).resolve().parent / "neo4j-server" / "run"

#: ``lts``: the 5.26 line on the default Java; ``calendar``: the newest calendar release (Java 21+).
RELEASES = ("lts", "calendar")

#: How long a start may take, the first build's download included.
START_TIMEOUT_S = 900.0

#: How long a clean stop may take before the process is killed.
STOP_TIMEOUT_S = 60.0


class LocalNeo4jError(RuntimeError):
    """Raised when the local server does not build or start; the message holds its last lines."""


@dataclass(frozen=True)
class LocalNeo4j:
    """A running local server: where it listens, how to log in, and what it is."""

    uri: str
    password: str
    version: str
    user: str = "neo4j"


def missing_tools() -> str | None:
    """Say which of ``java`` and ``mvn`` is missing, or None when the server can be built here."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    return " and ".join(missing) + " not found" if missing else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_neo4j(
    *, release: str = "lts", heap: str | None = None, page_cache_mb: int | None = None
) -> Iterator[LocalNeo4j]:
    """Start a server in a temporary folder, yield it once it accepts Bolt, stop and delete it.

    :param release: ``lts`` (5.26) or ``calendar`` (the newest calendar release).
    :param heap: JVM heap such as ``"4g"`` (default: the run script's, 2g).
    :param page_cache_mb: page cache size (default: the run script's, 1024).
    """
    if release not in RELEASES:
        raise ValueError(f"release must be one of {RELEASES}, not {release!r}")
    password = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory(prefix="llm-memory-graph-neo4j-") as folder:
        command = [str(RUN), "--port", str(_free_port()), "--data", str(Path(folder) / "data")]
        if release == "calendar":
            command.append("--calendar")
        if heap:
            command += ["--heap", heap]
        if page_cache_mb:
            command += ["--page-cache", str(page_cache_mb)]
        process = subprocess.Popen(
            command,
            env={**os.environ, "NEO4J_PASSWORD": password},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = _Output(process)
        with process:  # closes its output pipe once it has ended
            try:
                uri, version = output.wait_until_ready()
                yield LocalNeo4j(uri=uri, password=password, version=version)
            finally:
                process.terminate()
                try:
                    process.wait(STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                output.join()


class _Output:
    """The server's output, read on a thread (so its pipe never fills) until it ends."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._stdout = process.stdout
        self._last_lines: deque[str] = deque(maxlen=40)
        self._ready: list[str] = []
        self._seen = threading.Event()
        self._thread = threading.Thread(target=self._pump, name="local-neo4j-output", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        for line in self._stdout:
            self._last_lines.append(line.rstrip())
            if not self._ready and " ready at bolt://" in line:
                self._ready.append(line.strip())
                self._seen.set()
        self._seen.set()  # the process ended (or closed its output) before it was ready

    def wait_until_ready(self) -> tuple[str, str]:
        """Return the Bolt URI and Neo4j version from the ready line, or raise LocalNeo4jError."""
        if not self._seen.wait(START_TIMEOUT_S) or not self._ready:
            tail = "\n".join(self._last_lines)
            raise LocalNeo4jError(f"the local Neo4j server did not start ({RUN}):\n{tail}")
        line = self._ready[0]
        version = line.split()[1]
        uri = line[line.index("bolt://") :].split()[0]
        return uri, version

    def join(self) -> None:
        """Wait for the reader to see the end of the output (the process has ended)."""
        self._thread.join(STOP_TIMEOUT_S)
