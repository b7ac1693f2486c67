"""Reading osqueryd's request bodies: JSON objects whose fields are checked
here by hand, because osquery's shapes are loose (a row's values are strings,
or numbers with ``--log_numerics_as_numbers``; old agents send ``unixTime`` as
a string). Every refusal is an ApiError naming the field."""
from __future__ import annotations

import json
from typing import Any

from collector import limits
from server.api.problems import ApiError


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or 400 (not UTF-8, not JSON) / 422 (not an object)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"body is not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise ApiError(400, "body is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, f"body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError(422, "body is not a JSON object")
    return value


def text(body: dict[str, Any], key: str, where: str, limit: int = limits.OTHER_TEXT, default: str | None = None) -> str:
    """A text field (NUL and lone surrogates refused: PostgreSQL cannot store them)."""
    value = body.get(key, default)
    if value is None:
        raise ApiError(422, f"{where}.{key}: missing")
    if not isinstance(value, str):
        raise ApiError(422, f"{where}.{key}: not a string")
    return checked_text(value, f"{where}.{key}", limit)


def checked_text(value: str, path: str, limit: int) -> str:
    if len(value) > limit:
        raise ApiError(422, f"{path}: {len(value)} characters exceed the limit of {limit}")
    if "\x00" in value:
        raise ApiError(422, f"{path}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(422, f"{path}: contains an unpaired surrogate") from None
    return value


def obj(body: dict[str, Any], key: str, where: str, required: bool = False) -> dict[str, Any]:
    value = body.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ApiError(422, f"{where}.{key}: {'missing' if value is None else 'not an object'}")
    return value


def array(body: dict[str, Any], key: str, where: str, max_items: int) -> list[Any]:
    value = body.get(key)
    if not isinstance(value, list):
        raise ApiError(422, f"{where}.{key}: {'missing' if value is None else 'not an array'}")
    if len(value) > max_items:
        raise ApiError(413, f"{where}.{key}: {len(value)} items exceed the limit of {max_items}")
    return value


def whole(value: Any, path: str, default: int = 0) -> int:
    """A non-negative integer, also from a digit string (older osquery)."""
    if value is None:
        return default
    if isinstance(value, bool):
        raise ApiError(422, f"{path}: not an integer")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= limits.MAX_INTEGER:
        raise ApiError(422, f"{path}: not an integer in 0..{limits.MAX_INTEGER}")
    return value


def row(value: Any, path: str) -> dict[str, str]:
    """One result row as osquery's strings: numbers (``--log_numerics_as_numbers``)
    become their text, null becomes "" as osquery prints NULL. Trailing NULs
    go (osquery passes some SMBIOS strings through raw, e.g. a Mac's
    hardware_model ``"MacBookPro18,3 \u0000"``; the collector strips them too);
    a NUL inside a value is refused, as in a collector's report."""
    if not isinstance(value, dict):
        raise ApiError(422, f"{path}: a row is not an object")
    cells: dict[str, str] = {}
    for column, cell in value.items():
        if cell is None:
            cells[column] = ""
        elif isinstance(cell, bool):
            cells[column] = "1" if cell else "0"
        elif isinstance(cell, (int, float)):
            cells[column] = repr(cell) if isinstance(cell, float) else str(cell)
        elif isinstance(cell, str):
            cells[column] = checked_text(cell.rstrip("\x00"), f"{path}.{column}", limits.OTHER_TEXT * 4)
        else:
            raise ApiError(422, f"{path}.{column}: a cell is not a string or a number")
        checked_text(column, f"{path}: column name", limits.OTHER_TEXT)
    return cells


def loose_row(value: Any) -> dict[str, str]:
    """A row whose values are only read, never stored (enrollment's
    host_details): anything that is not an object is no row."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else str(v) if isinstance(v, (int, float)) else ""
            for k, v in value.items()}


def rows(value: Any, path: str, max_items: int) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ApiError(422, f"{path}: not an array of rows")
    if len(value) > max_items:
        raise ApiError(413, f"{path}: {len(value)} rows exceed the limit of {max_items}")
    return [row(item, f"{path}[{index}]") for index, item in enumerate(value)]
