"""The assistant scaled out the way Rasa scales, on this machine's loopback.

One PostgreSQL tracker store, one Redis lock store, several `rasa run`
replicas, each with its own action server, and nginx in front: it serves the
web pages, spreads REST calls over the replicas, keeps each socket.io client
on one replica, refuses other sites' pages, limits each client's rate and
message size, and never exposes Rasa's HTTP API (which the replicas serve on
loopback only, behind a token). PostgreSQL, Redis and nginx are Debian's
(`make services`); every password and the API token are made at random for
each start.

    python -m deploy.cluster --replicas 2 --port 8088
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List

import psycopg2
import redis

from deploy.servers import free_port, http_ok, wait_until_answers
from safeguarding.content.loader import get_content
from web.pages import build_site

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "safeguarding.tar.gz"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent


def _as_postgres() -> Dict[str, Any]:
    """PostgreSQL refuses to run as root: run it as the postgres user then.

    The process itself changes user (no `runuser` in between), so a signal
    sent to it reaches PostgreSQL and stopping it really stops it.
    """
    return {"user": "postgres", "group": "postgres", "extra_groups": []} if os.geteuid() == 0 else {}


def _nginx_text(message: str) -> str:
    """A JSON error body that is safe inside nginx's single quotes."""
    return json.dumps({"error": message}).replace("'", "\\u0027")


class Cluster:
    """The running services, with ways to break them for the fault tests."""

    def __init__(
        self,
        replicas: int = 2,
        port: int | None = None,
        rate: int = 2,
        burst: int = 10,
        make_secret: Callable[[int], str] = secrets.token_urlsafe,
    ) -> None:
        """Choose ports, and secrets made by ``make_secret(bytes)``; nothing starts until ``start``."""
        self.replicas = replicas
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.rest_url = f"{self.url}/webhooks/rest/webhook"
        self.rate = rate
        self.burst = burst
        self.dir = Path(tempfile.mkdtemp(prefix="safeguarding-cluster-"))
        self.dir.chmod(0o755)  # nginx's workers read the pages here
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        self.pg_port, self.redis_port = free_port(), free_port()
        self.rasa_ports = [free_port() for _ in range(replicas)]
        self.action_ports = [free_port() for _ in range(replicas)]
        self.db_password = make_secret(24)
        self.redis_password = make_secret(24)
        self.api_token = make_secret(32)
        self.processes: Dict[str, subprocess.Popen] = {}

    # --- processes -------------------------------------------------------

    def _spawn(
        self, name: str, args: List[str], env: Dict[str, str] | None = None, **options: Any
    ) -> subprocess.Popen:
        log = self.logs / f"{name}.log"
        with log.open("a") as handle:
            process = subprocess.Popen(
                args,
                env={**os.environ, **(env or {})},
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **{"cwd": ROOT, **options},
            )
        self.processes[name] = process
        return process

    def _stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # --- PostgreSQL ------------------------------------------------------

    def _init_postgres(self) -> None:
        self.pg_dir = self.dir / "postgres"
        self.pg_dir.mkdir(mode=0o700)
        password_file = self.pg_dir / "password"
        password_file.write_text(self.db_password)
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres", "postgres")
            shutil.chown(password_file, "postgres", "postgres")
        initdb = [str(POSTGRES_BIN / "initdb"), "-D", str(self.pg_dir / "data"), "--username=postgres"]
        initdb += ["--auth=scram-sha-256", f"--pwfile={password_file}", "--encoding=UTF8", "--no-sync"]
        subprocess.run(initdb, check=True, capture_output=True, cwd=self.pg_dir, **_as_postgres())
        password_file.unlink()

    def start_postgres(self) -> None:
        """Start PostgreSQL on loopback (its data survives a restart)."""
        args = [str(POSTGRES_BIN / "postgres"), "-D", str(self.pg_dir / "data"), "-p", str(self.pg_port)]
        args += ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.pg_dir}"]
        args += ["-c", "log_statement=none", "-c", "fsync=off"]
        process = self._spawn("postgres", args, cwd=self.pg_dir, **_as_postgres())
        log = self.logs / "postgres.log"
        wait_until_answers(lambda: self._connect("postgres").close() is None, "PostgreSQL", process, log)

    def _connect(self, db: str) -> psycopg2.extensions.connection:
        return psycopg2.connect(
            host="127.0.0.1", port=self.pg_port, user="postgres", password=self.db_password, dbname=db
        )

    def _create_database(self) -> None:
        connection = self._connect("postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE safeguarding LOGIN PASSWORD %s", (self.db_password,))
            cursor.execute("CREATE DATABASE safeguarding OWNER safeguarding")
        connection.close()

    def postgres_started_at(self) -> datetime:
        """When the running PostgreSQL server started (it changes with a restart)."""
        connection = self._connect("postgres")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_postmaster_start_time()")
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def restart_postgres(self) -> None:
        """Stop PostgreSQL and start it again, as a database restart would."""
        self._stop("postgres", signal.SIGINT)
        self.start_postgres()

    # --- Redis -----------------------------------------------------------

    def start_redis(self) -> None:
        """Start Redis on loopback, for the lock store only (nothing is saved to disk)."""
        config = self.dir / "redis.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.redis_port}\nrequirepass {self.redis_password}\n"
            f'save ""\nappendonly no\nprotected-mode yes\ndir {self.dir}\n'
        )
        config.chmod(0o600)
        process = self._spawn("redis", ["redis-server", str(config)])

        def ready() -> bool:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1):
                return True

        wait_until_answers(ready, "Redis", process, self.logs / "redis.log")

    def redis_run_id(self) -> str:
        """The running Redis server's run id (a new one with each start)."""
        client = redis.Redis(host="127.0.0.1", port=self.redis_port, password=self.redis_password)
        try:
            return client.info("server")["run_id"]
        finally:
            client.close()

    def restart_redis(self) -> None:
        """Stop Redis and start it again."""
        self._stop("redis")
        self.start_redis()

    # --- Rasa and the action servers -------------------------------------

    def database_env(self) -> Dict[str, str]:
        """The environment that points a conversation store at this cluster's PostgreSQL."""
        return {
            "SAFEGUARDING_DB_DIALECT": "postgresql",
            "SAFEGUARDING_DB_HOST": "127.0.0.1",
            "SAFEGUARDING_DB_PORT": str(self.pg_port),
            "SAFEGUARDING_DB_NAME": "safeguarding",
            "SAFEGUARDING_DB_USER": "safeguarding",
            "SAFEGUARDING_DB_PASSWORD": self.db_password,
        }

    def replica_env(self, replica: int) -> Dict[str, str]:
        """The environment of one Rasa replica: its databases and its action server."""
        return {
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            **self.database_env(),
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(self.redis_port),
            "REDIS_PASSWORD": self.redis_password,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_ports[replica]}/webhook",
        }

    def replica_url(self, replica: int) -> str:
        """The address of one replica (loopback only, not through nginx)."""
        return f"http://127.0.0.1:{self.rasa_ports[replica]}"

    def start_actions(self, replica: int) -> None:
        """Start one action server."""
        port = self.action_ports[replica]
        args = [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]
        process = self._spawn(f"actions-{replica}", args, {"PYTHONPATH": str(ROOT)})
        wait_until_answers(lambda: http_ok(f"http://127.0.0.1:{port}/health"), "action server", process)

    def start_replica(self, replica: int) -> None:
        """Start one Rasa server, its HTTP API on and behind the token."""
        args = [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--endpoints", "deploy/endpoints.yml"]
        args += ["--credentials", "credentials.yml", "--interface", "127.0.0.1"]
        args += ["--port", str(self.rasa_ports[replica]), "--cors", self.url]
        # Every secret as --option=value: a random one may begin with "-" and be read as an option.
        args += ["--enable-api", f"--auth-token={self.api_token}"]
        name = f"rasa-{replica}"
        process = self._spawn(name, args, self.replica_env(replica))
        log = self.logs / f"{name}.log"
        wait_until_answers(lambda: http_ok(self.replica_url(replica)), name, process, log)

    def kill_replica(self, replica: int) -> None:
        """Kill one Rasa replica at once, as a crash would."""
        self._stop(f"rasa-{replica}", signal.SIGKILL)

    def stop_actions(self, replica: int) -> None:
        """Stop one action server."""
        self._stop(f"actions-{replica}")

    # --- nginx -----------------------------------------------------------

    def _nginx_config(self, site: Path) -> Path:
        errors = get_content().web["gateway_errors"]
        content = get_content()
        phone = content.organisation(content.directory["person_service"])["phone"]
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.rasa_ports
        )
        values = {
            "DIR": str(self.dir),
            "USER": "user nobody nogroup;" if os.geteuid() == 0 else "",
            "RATE": str(self.rate),
            "BURST": str(self.burst),
            "SOCKET_RATE": str(self.rate * 5),
            "SOCKET_BURST": str(self.burst * 4),
            "ORIGIN": self.url,
            "SERVERS": servers,
            "PORT": str(self.port),
            "SITE": str(site),
            "FOREIGN_ORIGIN": _nginx_text(errors["foreign_origin"]),
            "NOT_FOUND": _nginx_text(errors["not_found"]),
            "TOO_BIG": _nginx_text(errors["too_big"]),
            "TOO_MANY": _nginx_text(errors["too_many"]),
            "UNAVAILABLE": _nginx_text(errors["unavailable"].format(phone=phone)),
        }
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        for key, value in values.items():
            text = text.replace(f"@@{key}@@", value)
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            path = self.dir / "tmp" / folder
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o777)
        config = self.dir / "nginx.conf"
        config.write_text(text)
        return config

    def start_nginx(self) -> None:
        """Build the pages for this address and start nginx in front of the replicas."""
        site = self.dir / "site"
        build_site(site, self.url)
        config = self._nginx_config(site)
        subprocess.run(["nginx", "-t", "-q", "-p", str(self.dir), "-c", str(config)], check=True)
        process = self._spawn("nginx", ["nginx", "-p", str(self.dir), "-c", str(config), "-g", "daemon off;"])
        wait_until_answers(lambda: http_ok(f"{self.url}/"), "nginx", process, self.logs / "nginx.log")

    # --- the whole --------------------------------------------------------

    def start(self) -> Cluster:
        """Start every service; stop them all again if one fails to start."""
        try:
            self._init_postgres()
            self.start_postgres()
            self._create_database()
            self.start_redis()
            with ThreadPoolExecutor(max_workers=self.replicas) as pool:
                list(pool.map(self.start_actions, range(self.replicas)))
            # One replica first: it creates the tables, then the others start together.
            self.start_replica(0)
            with ThreadPoolExecutor(max_workers=self.replicas) as pool:
                list(pool.map(self.start_replica, range(1, self.replicas)))
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop every service and delete the cluster's folder (its database included)."""
        for name in list(self.processes):
            if name.startswith("nginx"):
                self._stop(name, signal.SIGQUIT)
        for name in list(self.processes):
            self._stop(name, signal.SIGINT if name == "postgres" else signal.SIGTERM)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """Start the cluster and keep it running until Ctrl+C."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8088)
    args = parser.parse_args()
    cluster = Cluster(args.replicas, args.port)
    started = time.monotonic()
    with cluster:
        print(f"Started in {time.monotonic() - started:.0f} s. Parent chat page: {cluster.url}/", flush=True)
        print(f"Helpline lookup: {cluster.url}/staff/   REST: {cluster.rest_url}", flush=True)
        print(f"Logs: {cluster.logs}. Ctrl+C stops everything.", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
