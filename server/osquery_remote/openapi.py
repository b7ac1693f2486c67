"""The osquery endpoints' bodies in the served OpenAPI schema: what osqueryd
sends (as osquery's tls plugins build it) and what it is answered. Written
out here because these bodies are osquery's, not patchgap's wire types."""
from __future__ import annotations

from typing import Any

from server.api.problems import responses

TEXT = {"type": "string"}
CELL = {"type": ["string", "number", "boolean", "null"]}
ROW = {"type": "object", "additionalProperties": CELL}
ROWS = {"type": "array", "items": ROW}
TABLE_ROW = {"type": "object", "additionalProperties": CELL}
NODE_KEY = {"node_key": TEXT}
ANSWER = {"type": "object", "properties": {"node_invalid": {"type": "boolean"}}}

ENROLL = {
    "type": "object",
    "required": ["enroll_secret", "host_details"],
    "properties": {
        "enroll_secret": TEXT,
        "host_identifier": TEXT,
        "platform_type": TEXT,
        "host_details": {"type": "object", "properties": {
            name: TABLE_ROW for name in ("os_version", "osquery_info", "system_info", "platform_info")}},
    },
}
RESULT_ITEM = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": TEXT, "hostIdentifier": TEXT, "calendarTime": TEXT,
        "unixTime": {"type": ["integer", "string"]}, "epoch": {"type": ["integer", "string"]},
        "counter": {"type": ["integer", "string"]}, "numerics": {"type": "boolean"},
        "decorations": {"type": "object"}, "snapshot": ROWS,
        "diffResults": {"type": "object", "properties": {"added": ROWS, "removed": ROWS}},
        "columns": ROW, "action": {"enum": ["snapshot", "added", "removed"]},
    },
}
STATUS_ITEM = {
    "type": "object",
    "properties": {
        "hostIdentifier": TEXT, "calendarTime": TEXT, "unixTime": {"type": ["integer", "string"]},
        "severity": {"type": "integer"}, "filename": TEXT, "line": {"type": "integer"}, "message": TEXT,
        "version": TEXT, "decorations": {"type": "object"},
    },
}
LOG = {
    "type": "object",
    "required": ["node_key", "log_type", "data"],
    "properties": {**NODE_KEY, "log_type": {"enum": ["result", "status"]},
                   "data": {"type": "array", "items": {"anyOf": [RESULT_ITEM, STATUS_ITEM]}}},
}
NODE = {"type": "object", "required": ["node_key"], "properties": NODE_KEY}
WRITE = {
    "type": "object",
    "required": ["node_key", "queries"],
    "properties": {**NODE_KEY, "queries": {"type": "object", "additionalProperties": ROWS},
                   "statuses": {"type": "object", "additionalProperties": {"type": "integer"}},
                   "messages": {"type": "object", "additionalProperties": TEXT},
                   "stats": {"type": "object"}},
}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` of an endpoint reading ``schema`` as its JSON body."""
    return {"requestBody": {"required": True, "description": "JSON, optionally with Content-Encoding: gzip.",
                            "content": {"application/json": {"schema": schema}}}}


def answers(schema: dict[str, Any], *codes: int) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": "OK (node_invalid: true tells osqueryd to enroll again)",
                  "content": {"application/json": {"schema": schema}}}, **responses(*codes)}


CONFIG_ANSWER = {"type": "object", "properties": {"schedule": {"type": "object"}, "node_invalid": {"type": "boolean"}}}
READ_ANSWER = {"type": "object", "properties": {"queries": {"type": "object", "additionalProperties": TEXT},
                                                "node_invalid": {"type": "boolean"}}}
ENROLL_ANSWER = {"type": "object", "properties": {"node_key": TEXT, "node_invalid": {"type": "boolean"}}}
