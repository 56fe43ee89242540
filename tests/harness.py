"""The real app under gunicorn on loopback, a cookie-keeping client, and a crash test runner.

`AppServer` runs `gunicorn 'app:create_app()'` from this virtualenv with the repository's
gunicorn.conf.py, on a free 127.0.0.1 port, against its own SQLite file (or a database URL,
which several servers may share, as app servers behind a load balancer do). It can be stopped
(SIGTERM), killed (SIGKILL to gunicorn's whole process group, as a power cut would) and
started again on the same port and database.

`run_under_crashes` sends operations from several client threads, retrying every one that
was not acknowledged, while it SIGKILLs and restarts the server at random moments. The test
then checks that every acknowledged operation was stored exactly once.

Everything here talks to loopback only and every loop is bounded in count and time.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import sqlalchemy

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "callboard-demo"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')

_running: set[AppServer] = set()


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _ephemeral_ports_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1 below the ephemeral range.

    Below it, no outgoing connection is given the port while a stopped server is down,
    so start() finds it free again.
    """
    chance, top = random.Random(), _ephemeral_ports_start()
    for _ in range(200):
        port = chance.randrange(20000, max(top, 20001))
        if _port_is_free(port):
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll condition until it holds; raise TimeoutError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def database_url(database: Path | str) -> str:
    """Return the SQLAlchemy URL of a SQLite file (a Path) or of a database URL (a str)."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def server_environment(database: Path | str, instance: Path, **extra: str) -> dict[str, str]:
    """Return the environment for the app's processes: its own database, key and instance."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "CALLBOARD_", "GUNICORN_", "MAIL_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "FLASK_APP": "app:create_app",
            "DATABASE_URL": database_url(database),
            "SECRET_KEY": "e2e-secret-key-not-for-production",
            # Honoured once create_app reads it; until then the app uses the repo's instance/.
            "CALLBOARD_INSTANCE_PATH": str(instance),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


def prepare_database(database: Path | str, instance: Path | None = None) -> Path | str:
    """Create database with `flask db upgrade` and `flask seed-demo`, as `make run` does."""
    env = server_environment(database, instance or database.parent / "instance")
    for command in (["db", "upgrade"], ["seed-demo"]):
        done = subprocess.run(
            [str(BIN / "flask"), *command], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return database


def copy_database(source: Path, target: Path) -> Path:
    """Copy a SQLite database consistently (WAL included) to target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


class AppServer:
    """The real Callboard app under gunicorn on a loopback port with its own database."""

    def __init__(
        self,
        workdir: Path,
        database: Path | str,
        *,
        port: int | None = None,
        workers: int = 2,
        ready_timeout: float = 30.0,
        **environment: str,
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database = database if isinstance(database, str) else Path(database)
        self.environment = environment
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.ready_timeout = ready_timeout
        self.log_path = self.workdir / "gunicorn.log"
        self.starts = 0
        self.process: subprocess.Popen | None = None
        self._lock = threading.RLock()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> AppServer:
        """Start gunicorn on this server's port and database; return once it answers."""
        with self._lock:
            if self.running:
                return self
            _wait_until(lambda: _port_is_free(self.port), 10, f"port {self.port} to be free")
            self.starts += 1
            env = server_environment(
                self.database,
                self.workdir / "instance",
                CALLBOARD_BIND=f"127.0.0.1:{self.port}",
                CALLBOARD_WORKERS=str(self.workers),
                **self.environment,
            )
            with open(self.log_path, "a") as log:
                log.write(f"\n--- start {self.starts} ---\n")
                log.flush()
                self.process = subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "--config",
                        str(REPO / "gunicorn.conf.py"),
                        "--graceful-timeout",
                        "5",
                        "app:create_app()",
                    ],
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # its own process group, so kill() gets the workers
            _running.add(self)
            try:
                _wait_until(self._answers, self.ready_timeout, f"gunicorn at {self.url}")
            except TimeoutError as error:
                self.kill()
                raise RuntimeError(f"{error}\n{self.log_tail()}") from None
            return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}\n{self.log_tail()}")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/login")
            return connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop gunicorn gracefully (SIGTERM) and wait until the port is closed."""
        with self._lock:
            if self.running:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.kill()
                    return
            self._reaped()

    def kill(self) -> None:
        """Kill gunicorn and its workers at once (SIGKILL), as a crash would."""
        with self._lock:
            if self.process is None:
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self._reaped()

    def _reaped(self) -> None:
        _running.discard(self)
        _wait_until(lambda: _port_is_free(self.port), 10, f"port {self.port} to close")

    def restart(self) -> AppServer:
        """Stop gracefully and start again on the same port and database."""
        self.stop()
        return self.start()

    def sql(self, query: str, params: tuple | dict = ()) -> list[tuple]:
        """Run a read query against the server's database (fine while it runs: WAL)."""
        if isinstance(self.database, str):
            return read_sql(self.database, query, params)
        with closing(sqlite3.connect(self.database, timeout=5)) as db:
            return db.execute(query, params).fetchall()

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of gunicorn's log (access log and errors)."""
        if not self.log_path.exists():
            return "(no gunicorn log)"
        return "".join(self.log_path.read_text(errors="replace").splitlines(True)[-lines:])

    def client(self) -> LoopbackClient:
        """Return a new cookie-keeping HTTP client for this server."""
        return LoopbackClient(self.url)

    def __repr__(self) -> str:
        return f"<AppServer {self.url} {'running' if self.running else 'stopped'}>"


def read_sql(url: str, query: str, params: dict | None = None) -> list[tuple]:
    """Run a read query against a database URL (named :parameters)."""
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sqlalchemy.text(query), params or {})]
    finally:
        engine.dispose()


@atexit.register
def _kill_leftovers() -> None:
    for server in list(_running):
        server.kill()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self):
        return json.loads(self.text)


class LoopbackClient:
    """A small HTTP client with cookies for a server on loopback; never follows redirects."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        parts = urlsplit(base_url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"{base_url} is not on loopback")
        self.host, self.port, self.base_url = parts.hostname, parts.port, base_url
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        """Send one request; raise OSError when the server cannot be reached."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(answer.status, dict(answer.headers.items()), text)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, form: dict | None = None, json_body=None, headers: dict[str, str] | None = None
    ) -> Response:
        """POST a form or JSON, with the CSRF header the pages send and a same-origin Origin."""
        headers = {"Origin": self.base_url, **(headers or {})}
        if self.csrf_token:
            headers.setdefault("X-CSRFToken", self.csrf_token)
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urlencode(form or {}).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return self.request("POST", path, body=body, headers=headers)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> Response:
        """Sign in at /login as htmx would (token in the header); return the POST's response."""
        self.cookies.clear()
        self.csrf_token = CSRF_INPUT.search(self.get("/login").text).group(1)
        response = self.post("/login", {"email": email, "password": password})
        if response.status == 302:
            self.csrf_token = CSRF_INPUT.search(self.get("/login").text).group(1)
        return response


@dataclass
class CrashReport:
    """What happened during run_under_crashes."""

    acknowledged: list = field(default_factory=list)  # results of acknowledged operations
    abandoned: list = field(default_factory=list)  # (client, n) never acknowledged in time
    attempts: int = 0
    crashes: int = 0
    seconds: float = 0.0
    errors: list = field(default_factory=list)  # exceptions raised in the threads

    def __str__(self) -> str:
        return (
            f"{len(self.acknowledged)} acknowledged, {len(self.abandoned)} abandoned, "
            f"{self.attempts} attempts, {self.crashes} crashes in {self.seconds:.1f} s"
        )


def run_under_crashes(
    server: AppServer,
    attempt: Callable[[int, int], object],
    *,
    clients: int = 4,
    operations: int = 10,
    crashes: int = 3,
    time_limit: float = 60.0,
    seed: int = 0,
    pause: tuple[float, float] = (0.1, 0.6),
) -> CrashReport:
    """Run operations from client threads while SIGKILLing and restarting the server.

    `attempt(client, n)` sends operation n of client once and returns a result (anything
    but None) when the server acknowledged it; it returns None, or raises OSError, when it
    was not acknowledged, and is then called again for the same operation (a real client
    retries with the same operation id). The server runs for a random pause (seconds,
    uniform in `pause`) before each crash. Ends when every operation was acknowledged or
    time_limit passed; leaves the server running.
    """
    report, lock = CrashReport(), threading.Lock()
    clients_done, stop = threading.Event(), threading.Event()
    started = time.monotonic()
    deadline = started + time_limit
    chance = random.Random(seed)

    def send_until_acknowledged(number: int, n: int, jitter: random.Random) -> None:
        delay = 0.02
        while not stop.is_set():
            with lock:
                report.attempts += 1
            try:
                result = attempt(number, n)
            except (OSError, http.client.HTTPException):
                result = None
            if result is not None:
                with lock:
                    report.acknowledged.append(result)
                return
            if time.monotonic() > deadline:
                break
            stop.wait(delay * jitter.uniform(0.5, 1.5))  # back off while the server is down
            delay = min(delay * 2, 0.5)
        with lock:
            report.abandoned.append((number, n))

    def client(number: int) -> None:
        jitter = random.Random(seed * 1000 + number)
        for n in range(operations):
            send_until_acknowledged(number, n, jitter)

    def chaos() -> None:
        while report.crashes < crashes and time.monotonic() < deadline:
            if clients_done.wait(chance.uniform(*pause)):
                return
            server.kill()
            report.crashes += 1
            server.start()

    def guarded(target: Callable, *args) -> Callable[[], None]:
        def run() -> None:
            try:
                target(*args)
            except BaseException as error:  # re-raised in the caller's thread below
                report.errors.append(error)
                stop.set()

        return run

    threads = [threading.Thread(target=guarded(client, i), name=f"client-{i}") for i in range(clients)]
    monkey = threading.Thread(target=guarded(chaos), name="chaos")
    for thread in [*threads, monkey]:
        thread.start()
    for thread in threads:
        thread.join()  # bounded: each operation gives up at the deadline
    clients_done.set()
    monkey.join()
    if not server.running:
        server.start()
    report.seconds = time.monotonic() - started
    if report.errors:
        raise report.errors[0]
    return report
