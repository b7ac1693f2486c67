"""The served OpenAPI schema documents what handlers read by hand: request
bodies and answers are the wire dataclasses, their JSON schemas made by
pydantic from the same types the validator uses."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from server.api.validate import adapter

REF = "#/components/schemas/{model}"
_SCHEMAS: dict[str, Any] = {}


def _schema_ref(kind: type) -> dict[str, Any]:
    """A ``$ref`` to ``kind``'s schema, registering it and what it refers to."""
    schema = adapter(kind).json_schema(ref_template=REF)
    _SCHEMAS.update(schema.pop("$defs", {}))
    _SCHEMAS[kind.__name__] = schema
    return {"$ref": REF.format(model=kind.__name__)}


def request_body(kind: type) -> dict[str, Any]:
    """``openapi_extra`` of a handler whose JSON body is a ``kind``."""
    return {
        "requestBody": {
            "required": True,
            "description": "JSON, optionally with Content-Encoding: gzip.",
            "content": {"application/json": {"schema": _schema_ref(kind)}},
        }
    }


def success(kind: type, *also: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` entries answering a ``kind`` with 200 (and ``also``)."""
    content = {"application/json": {"schema": _schema_ref(kind)}}
    answers: dict[int | str, dict[str, Any]] = {200: {"description": "OK", "content": content}}
    for code in also:
        answers[code] = {"description": "Accepted, pending an admin's approval", "content": content}
    return answers


def install_openapi(app: FastAPI) -> None:
    """Serve the generated schema with the wire types in its components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_SCHEMAS)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
