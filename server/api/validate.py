"""Validate wire types with pydantic over the collector's own dataclasses
(the one definition of the format), plus limits pydantic cannot express on
stdlib dataclasses."""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any, TypeVar

from fastapi import HTTPException
from pydantic import TypeAdapter, ValidationError

from collector import wire

T = TypeVar("T")


@lru_cache(maxsize=None)
def _adapter(kind: type) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def parse(kind: type[T], data: Any, max_string: int) -> T:
    try:
        value = _adapter(kind).validate_python(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)[:10]
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        raise HTTPException(422, f"invalid {kind.__name__}: {detail}") from None
    bad = _bad_text(value, kind.__name__, max_string)
    if bad:
        raise HTTPException(422, bad)
    return value


def _bad_text(value: Any, where: str, max_string: int) -> str | None:
    """Over-long strings, NUL and lone surrogates (which PostgreSQL text cannot
    store, nor UTF-8 encode): refuse them, naming the field that carries them."""
    if isinstance(value, str):
        if len(value) > max_string:
            return f"{where}: {len(value)} characters exceed the limit of {max_string}"
        if "\x00" in value:
            return f"{where}: contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{where}: contains an unpaired surrogate"
        return None
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            found = _bad_text(getattr(value, f.name), f"{where}.{f.name}", max_string)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _bad_text(item, f"{where}[{index}]", max_string)
            if found:
                return found
    return None


def check_report(report: wire.Report, max_software: int) -> None:
    if report.wire_version != wire.WIRE_VERSION:
        raise HTTPException(422, f"wire_version {report.wire_version} not supported (server speaks {wire.WIRE_VERSION})")
    if len(report.software) > max_software:
        raise HTTPException(413, f"{len(report.software)} software items exceed the limit of {max_software}")
    if not report.host.uuid.strip():
        raise HTTPException(422, "Report.host.uuid is empty")
