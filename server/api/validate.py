"""Validate a request body against the wire types: JSON syntax and types with
pydantic (strict: ``false`` is no integer, ``"1"`` is no number), over the
collector's own dataclasses (the one definition of the format), then the
limits carried in their field metadata (``collector.limits``), which pydantic
cannot read from stdlib dataclasses.

Runs in a worker thread: parsing a 16 MB body must not stall the event loop.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from operator import attrgetter
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from collector import limits, wire
from server.api.problems import ApiError

T = TypeVar("T")


@lru_cache(maxsize=None)
def adapter(kind: type) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def parse(kind: type[T], raw: bytes) -> T:
    """``raw`` (UTF-8 JSON) as a ``kind``, or ApiError 400 (not JSON) / 422."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"body is not UTF-8 (byte {exc.start})") from None
    try:
        value = adapter(kind).validate_json(text, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if errors and errors[0]["type"] == "json_invalid":
            raise ApiError(400, _not_json(str(errors[0]["ctx"].get("error", errors[0]["msg"])))) from None
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '$'}: {e['msg']}" for e in errors[:10])
        raise ApiError(422, f"invalid {kind.__name__}: {detail}") from None
    # A literal NUL cannot stand in JSON text unescaped: without its escape
    # in the body, no string of the value holds one.
    if not within_limits(value, "\\u0000" in text or "\x00" in text):
        raise ApiError(422, check_limits(value, kind.__name__) or f"invalid {kind.__name__}")
    return value


def _not_json(reason: str) -> str:
    if "recursion limit" in reason:
        return "body is nested too deeply"
    if "hex escape" in reason:
        # NOTE: the JSON parser (jiter) refuses a lone \uD800-\uDFFF escape this way.
        return f"body is not JSON: {reason} (an unpaired surrogate escape cannot be stored as text)"
    return f"body is not JSON: {reason}"


@lru_cache(maxsize=None)
def _fields(kind: type) -> tuple[tuple[str, int | None, int | None, int], ...]:
    """(name, max characters, max items, max characters of a text inside a
    list) of each field of a wire dataclass."""
    return tuple(
        (f.name, f.metadata.get("max_length", limits.OTHER_TEXT if f.type in ("str", str) else None),
         f.metadata.get("max_items"), f.metadata.get("cell_length", limits.OTHER_TEXT))
        for f in dataclasses.fields(kind)
    )


def within_limits(value: Any, nul_possible: bool = True) -> bool:
    """Whether ``value`` keeps every limit ``check_limits`` checks: the same
    rules, without naming anything. A report's 1,500 software items are
    checked a field at a time over all of them (C loops over each column),
    and only a value that fails is walked again to say where."""
    for name, max_length, max_items, cell_length in _fields(type(value)):
        item = getattr(value, name)
        if not _value_within(item, max_length or limits.OTHER_TEXT, max_items, cell_length, nul_possible):
            return False
    return True


def _value_within(item: Any, max_length: int, max_items: int | None, cell_length: int, nul_possible: bool) -> bool:
    if isinstance(item, str):
        return _texts_within([item], max_length, nul_possible)
    if isinstance(item, bool):
        return True
    if isinstance(item, int):
        return 0 <= item <= limits.MAX_INTEGER
    if isinstance(item, list):
        return (max_items is None or len(item) <= max_items) and _list_within(item, cell_length, nul_possible)
    if dataclasses.is_dataclass(item):
        return within_limits(item, nul_possible)
    return True


def _list_within(values: list[Any], cell_length: int, nul_possible: bool) -> bool:
    kinds = set(map(type, values))
    if not values or kinds == {str}:
        return _texts_within(values, cell_length, nul_possible)
    if len(kinds) == 1 and dataclasses.is_dataclass(values[0]):
        # Records of one wire type: each field checked over every record at once.
        for name, max_length, max_items, inner_length in _fields(type(values[0])):
            column = list(map(attrgetter(name), values))
            if set(map(type, column)) == {str}:
                if not _texts_within(column, max_length or limits.OTHER_TEXT, nul_possible):
                    return False
            elif not all(_value_within(item, max_length or limits.OTHER_TEXT, max_items, inner_length, nul_possible)
                         for item in column):
                return False
        return True
    return all(_value_within(item, cell_length, None, cell_length, nul_possible) for item in values)


def _texts_within(texts: list[str], max_length: int, nul_possible: bool) -> bool:
    if not texts:
        return True
    if max(map(len, texts)) > max_length:
        return False
    if nul_possible and any("\x00" in text for text in texts):
        return False
    return all(map(str.isascii, texts)) or all(_encodable(text) for text in texts)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_limits(value: Any, where: str) -> str | None:
    """The first limit ``value`` breaks, named by its field path, or None.
    Over-long texts, NUL and lone surrogates (which PostgreSQL cannot store),
    too many items, integers outside 0..2^63-1."""
    for name, max_length, max_items, cell_length in _fields(type(value)):
        item = getattr(value, name)
        path = f"{where}.{name}"
        if isinstance(item, str):
            found = _bad_text(item, path, max_length or limits.OTHER_TEXT)
        elif isinstance(item, bool):
            found = None
        elif isinstance(item, int):
            found = None if 0 <= item <= limits.MAX_INTEGER else f"{path}: {item} is outside 0..{limits.MAX_INTEGER}"
        elif isinstance(item, list):
            found = _bad_list(item, path, max_items, cell_length)
        elif dataclasses.is_dataclass(item):
            found = check_limits(item, path)
        else:
            found = None
        if found:
            return found
    return None


def _bad_list(values: list[Any], path: str, max_items: int | None, cell_length: int) -> str | None:
    if max_items is not None and len(values) > max_items:
        return f"{path}: {len(values)} items exceed the limit of {max_items}"
    for index, item in enumerate(values):
        where = f"{path}[{index}]"
        if isinstance(item, str):  # a list of texts (triage columns, skipped)
            found = _bad_text(item, where, cell_length)
        elif isinstance(item, list):  # a row of cells: its length is checked against its columns
            found = _bad_list(item, where, None, cell_length)
        else:
            found = check_limits(item, where)
        if found:
            return found
    return None


def _bad_text(value: str, path: str, max_length: int) -> str | None:
    if len(value) > max_length:
        return f"{path}: {len(value)} characters exceed the limit of {max_length}"
    if "\x00" in value:
        return f"{path}: contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{path}: contains an unpaired surrogate"
    return None


def check_enroll(request: wire.EnrollRequest) -> None:
    if request.wire_version != wire.WIRE_VERSION:
        raise ApiError(422, f"wire_version {request.wire_version} not supported (server speaks {wire.WIRE_VERSION})")


def check_report(report: wire.Report, max_software: int, now: dt.datetime) -> None:
    if report.wire_version != wire.WIRE_VERSION:
        raise ApiError(422, f"wire_version {report.wire_version} not supported (server speaks {wire.WIRE_VERSION})")
    if len(report.software) > max_software:
        raise ApiError(413, f"{len(report.software)} software items exceed the limit of {max_software}")
    if not report.host.uuid.strip():
        raise ApiError(422, "Report.host.uuid is empty")
    collected_at(report.collected_at, now)


def check_triage(upload: wire.TriageUpload, now: dt.datetime) -> dt.datetime:
    """What the types cannot say about a triage snapshot; its date in UTC."""
    if upload.wire_version != wire.WIRE_VERSION:
        raise ApiError(422, f"wire_version {upload.wire_version} not supported (server speaks {wire.WIRE_VERSION})")
    if not upload.host_uuid.strip():
        raise ApiError(422, "TriageUpload.host_uuid is empty")
    for index, result in enumerate(upload.results):
        if not result.name.strip():
            raise ApiError(422, f"TriageUpload.results[{index}].name is empty")
        for number, row in enumerate(result.rows):
            if len(row) != len(result.columns):
                raise ApiError(422, f"TriageUpload.results[{index}].rows[{number}]: {len(row)} cells "
                                    f"for {len(result.columns)} columns")
    return collected_at(upload.collected_at, now, "TriageUpload")


def collected_at(value: str, now: dt.datetime, where: str = "Report") -> dt.datetime:
    """The report's date in UTC; ApiError 422 when it is no date, out of
    range, or ahead of the server's clock by more than the allowed skew."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        parsed = parsed.astimezone(dt.timezone.utc)
    except ValueError:
        raise ApiError(422, f"{where}.collected_at: {value!r} is not an ISO 8601 date and time") from None
    except OverflowError:
        raise ApiError(422, f"{where}.collected_at: {value!r} is out of range") from None
    if parsed > now + limits.MAX_FUTURE_SKEW:
        raise ApiError(422, f"{where}.collected_at: {value} is ahead of the server's clock ({now.isoformat()}) "
                            f"by more than {limits.MAX_FUTURE_SKEW}; check the PC's clock")
    if parsed < limits.EARLIEST:
        raise ApiError(422, f"{where}.collected_at: {value} is before {limits.EARLIEST.date()}; check the PC's clock")
    return parsed
