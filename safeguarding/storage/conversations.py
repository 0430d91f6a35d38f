"""Where conversations are kept, and for how long.

``ConversationStore`` is Rasa's SQL tracker store, configured from the
environment: an SQLite file by default (nothing to install), PostgreSQL when
``SAFEGUARDING_DB_DIALECT=postgresql``. Its connections are checked before
use, so a database restart costs no conversation. ``forget_older_than``
deletes the conversations whose last message is older than the retention
period (``retention_days`` in endpoints.yml); run it with
``python -m safeguarding.storage.conversations --endpoints endpoints.yml``.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path
from typing import Any, Dict

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = ROOT / "storage" / "conversations.db"
DEFAULT_RETENTION_DAYS = 30
DAY = 24 * 60 * 60


def database_settings(environ: Dict[str, str] | None = None) -> Dict[str, Any]:
    """The database to use, from SAFEGUARDING_DB_* environment variables."""
    env = os.environ if environ is None else environ
    dialect = env.get("SAFEGUARDING_DB_DIALECT", "sqlite")
    if dialect == "sqlite":
        path = Path(env.get("SAFEGUARDING_DB_NAME", DEFAULT_SQLITE))
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"dialect": "sqlite", "db": str(path)}
    return {
        "dialect": dialect,
        "host": env.get("SAFEGUARDING_DB_HOST", "127.0.0.1"),
        "port": int(env.get("SAFEGUARDING_DB_PORT", "5432")),
        "db": env.get("SAFEGUARDING_DB_NAME", "safeguarding"),
        "username": env.get("SAFEGUARDING_DB_USER", "safeguarding"),
        "password": env.get("SAFEGUARDING_DB_PASSWORD"),
    }


def _sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    """An SQLite file kept open between messages, in write-ahead-log mode.

    A file has no server to restart, so the connection is reused instead of
    being opened (and checked) for every message. With the write-ahead log,
    a commit survives a crash of the Rasa server; ``synchronous=NORMAL``
    skips the disk flush of every commit, so only a power cut can lose the
    last messages.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


class ConversationStore(SQLTrackerStore):
    """Rasa's SQL tracker store, on the database the environment names, with a retention period."""

    engine: sa.engine.Engine

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        **kwargs: Any,
    ) -> None:
        settings = database_settings()
        super().__init__(domain=domain, event_broker=event_broker, **settings, **kwargs)
        # A database server's pooled connections are checked before use: after a
        # restart the old ones are dead, and the next message must not fail on one.
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(url)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retention_days = int(retention_days)
        logger.info(f"Conversations are kept in {settings['dialect']} for {self.retention_days} days.")

    def forget_older_than(self, days: float, now: float | None = None) -> int:
        """Delete every conversation whose last event is older than ``days``; return how many."""
        cutoff = (time.time() if now is None else now) - days * DAY
        events = self.SQLEvent
        with self.session_scope() as session:
            last_event = sa.func.max(events.timestamp)
            old = session.query(events.sender_id).group_by(events.sender_id).having(last_event < cutoff)
            senders = [row[0] for row in old.all()]
            for start in range(0, len(senders), 500):
                batch = senders[start : start + 500]
                session.query(events).filter(events.sender_id.in_(batch)).delete(synchronize_session=False)
            session.commit()
        return len(senders)


def store_from_endpoints(path: Path) -> ConversationStore:
    """The conversation store configured in an endpoints file."""
    config = read_endpoint_config(str(path), "tracker_store")
    if config is None or not config.type or not config.type.endswith("ConversationStore"):
        raise SystemExit(
            f"{path} does not configure safeguarding.storage.conversations.ConversationStore as tracker_store"
        )
    return ConversationStore(**config.kwargs)


def main() -> None:
    """Delete the conversations older than the retention period."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml")
    parser.add_argument("--days", type=float, help="override retention_days from the endpoints file")
    args = parser.parse_args()
    store = store_from_endpoints(args.endpoints)
    days = store.retention_days if args.days is None else args.days
    deleted = store.forget_older_than(days)
    print(f"Deleted {deleted} conversations with no message in the last {days:g} days.")


if __name__ == "__main__":
    main()
