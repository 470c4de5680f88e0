"""Servers a fault test owns: a Redis it can stop, a PostgreSQL cluster it can restart.

Both listen on 127.0.0.1 only, on a free port, with their files in the test's temporary folder.
Every wait is bounded; whatever a test started is stopped when its context ends.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.smoke.processes import free_port

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", *sorted(Path("/usr/lib/postgresql").glob("*/bin")))


def wait_for_port(port: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class RedisServer:
    """A redis-server without persistence that the test stops and starts again on one port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.process is None, "already running"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, timeout=15)

    def hang(self) -> None:
        """Stop the process (SIGSTOP): its port still accepts connections, nothing answers."""
        assert self.process is not None, "not running"
        self.process.send_signal(signal.SIGSTOP)

    def unhang(self) -> None:
        assert self.process is not None, "not running"
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop Redis (SIGTERM, then SIGKILL) and wait until the port is closed."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGCONT)  # a hung Redis could not act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        raise AssertionError("redis-server is not installed (`make test` installs it)")
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def pg_bindir() -> Path | None:
    for folder in PG_BIN_DIRS:
        folder = Path(folder)
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


class PostgresCluster:
    """A PostgreSQL cluster of its own (trust auth, superuser `exams`, database `exams`)."""

    def __init__(self, folder: Path, bindir: Path) -> None:
        self.folder = folder
        self.bindir = bindir
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self.url = f"postgres://exams@127.0.0.1:{self.port}/exams"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command,
            cwd=self.folder,  # the postgres user may not enter the test's working directory
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}{result.stderr}"

    def create(self) -> None:
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        self._run(
            "initdb",
            f"--pgdata={self.data}",
            "--username=exams",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        self.start()
        createdb = [str(self.bindir / "createdb"), "--username=exams", "--host=127.0.0.1"]
        result = subprocess.run(
            [*createdb, f"--port={self.port}", "exams"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def _options(self) -> str:
        return (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def start(self) -> None:
        self._run(
            "pg_ctl",
            f"--pgdata={self.data}",
            f"--log={self.log}",
            "--wait",
            "--timeout=60",
            f"--options={self._options()}",
            "start",
        )

    def restart(self) -> None:
        """Stop with `-m fast` (every session is cut) and start again; return when it accepts."""
        self._run(
            "pg_ctl",
            f"--pgdata={self.data}",
            f"--log={self.log}",
            "--wait",
            "--timeout=60",
            "--mode=fast",
            f"--options={self._options()}",
            "restart",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", f"--pgdata={self.data}", "--mode=immediate", "--wait", "stop")


@contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A new cluster in a folder of its own under the system's temporary folder (pytest's
    folders are private to root, and the server runs as `postgres`), removed afterwards."""
    bindir = pg_bindir()
    if bindir is None:
        raise AssertionError("PostgreSQL server binaries not found (`make test` installs them)")
    folder = Path(tempfile.mkdtemp(prefix="exams-fault-pg."))
    folder.chmod(0o755)
    cluster = PostgresCluster(folder, bindir)
    try:
        cluster.create()
        yield cluster
    finally:
        with suppress(AssertionError, subprocess.TimeoutExpired):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
