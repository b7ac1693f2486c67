"""What every command shares: the database (opened lazily, migrated on first
use), the output language and format, and the translation of domain errors
into click errors (a message and an exit code, never a traceback)."""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from server.db import migrate
from server.db.engine import make_engine, make_reader, make_sessionmaker
from server.errors import DatabaseError, PatchgapError
from server.feeds.interface import FeedError
from server.reports.render import FORMATS, render

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Context:
    database_url: str
    lang: str = "en"
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = make_engine(self.database_url)
            try:
                if migrate.current_revision(engine) != migrate.head_revision():
                    migrate.upgrade(engine)
            except OperationalError as exc:
                raise DatabaseError(f"cannot open the database {self.safe_url}: {exc.orig}") from None
            self._engine = engine
        return self._engine

    @property
    def safe_url(self) -> str:
        from sqlalchemy.engine import make_url

        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - only for messages
            return "<unparsable URL>"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A transaction that writes (SQLite: holds the write lock from the start)."""
        with make_sessionmaker(self.engine).begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: never waits for, nor holds up, the API's writes."""
        with make_reader(self.engine).begin() as session:
            yield session


pass_context = click.make_pass_decorator(Context)


def handle_errors(func: F) -> F:
    """Domain errors become ``Error: ...`` and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (PatchgapError, FeedError) as exc:
            raise click.ClickException(str(exc)) from None
        except OperationalError as exc:
            raise click.ClickException(f"database error: {exc.orig}") from None
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {exc}") from None

    return wrapper  # type: ignore[return-value]


def output_options(func: F) -> F:
    """``--format table|json|csv`` for every listing command."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    )(func)


def echo_rows(ctx: Context, rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> None:
    click.echo(render(rows, fmt, ctx.lang, columns))
