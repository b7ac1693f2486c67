"""What every command shares: the database (opened lazily, migrated on first
use), the output language and format, and the translation of domain errors
into click errors (a message and an exit code, never a traceback)."""
from __future__ import annotations

import functools
import getpass
from collections.abc import Callable, Iterable, Iterator
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
from server.reports.i18n import phrase
from server.reports.render import FORMATS, STREAMED, render, write_rows

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


def admin_name() -> str:
    """Who asks, as recorded beside what an admin asks of a host."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid without a login name (some containers)
        return "admin"


class Failure(click.ClickException):
    """``Error: ...`` (``Lỗi: ...``) on stderr and exit code 1, in the admin's language."""

    def __init__(self, message: str, lang: str) -> None:
        super().__init__(message)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        click.echo(f"{phrase('error', self.lang)}: {self.format_message()}", err=True, file=file)


def handle_errors(func: F) -> F:
    """Domain errors become ``Error: ...`` in the admin's language, exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = click.get_current_context().find_object(Context)
        lang = lang.lang if lang else "en"
        try:
            return func(*args, **kwargs)
        except PatchgapError as exc:
            raise Failure(exc.localized(lang), lang) from None
        except FeedError as exc:
            raise Failure(str(exc), lang) from None
        except OperationalError as exc:
            raise Failure(phrase("database_error", lang, error=exc.orig), lang) from None
        except SQLAlchemyError as exc:
            raise Failure(phrase("database_error", lang, error=exc), lang) from None

    return wrapper  # type: ignore[return-value]


def output_options(func: F) -> F:
    """``--format table|json|csv`` for every listing command."""
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    )(func)


def echo_rows(ctx: Context, rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> None:
    click.echo(render(rows, fmt, ctx.lang, columns))


class _Echo:
    """A text stream onto ``click.echo``, a few hundred kilobytes at a time."""

    def __init__(self, size: int = 1 << 18) -> None:
        self.parts: list[str] = []
        self.held, self.size = 0, size

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.held += len(text)
        if self.held >= self.size:
            self.flush()
        return len(text)

    def flush(self) -> None:
        click.echo("".join(self.parts), nl=False)
        self.parts, self.held = [], 0


def echo_stream(ctx: Context, rows: Iterable[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    """``echo_rows`` for a listing read as it is written: JSON and CSV go out
    row by row (a province's two million gaps), a table needs them all."""
    if fmt not in STREAMED:
        echo_rows(ctx, list(rows), fmt, columns)
        return
    out = _Echo()
    write_rows(rows, fmt, columns, out)  # type: ignore[arg-type]
    out.write("\n")
    out.flush()
