"""Triage snapshots over the real API, on both databases: asked only of
hosts a botnet list names (or that an admin names), uploaded once, refused
otherwise with a clear 4xx and nothing stored; `botnet triage` prints them
with the listed remote addresses flagged."""
from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from collector import limits, wire
from server.cli import main
from server.db.models import TriageRequest, TriageSnapshot
from tests.reports import debian_host
from tests.server.test_api import enroll_host, post_report

UUID = debian_host().host.uuid


def run(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.output


def upload(**changes: Any) -> wire.TriageUpload:
    good = wire.TriageUpload(
        host_uuid=UUID, collected_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), source="osquery",
        results=[
            wire.TriageResult("listening_ports", ["pid", "name", "address", "port"], [["612", "sshd", "0.0.0.0", "22"]]),
            wire.TriageResult("remote_connections", ["pid", "name", "remote_address", "remote_port"],
                              [["4242", "kworkerd", "::ffff:203.0.113.66", "3333"],
                               ["612", "sshd", "198.51.100.77", "51022"]], truncated=True),
            wire.TriageResult("unsigned_binaries", [], [], error="no such table: authenticode"),
        ],
        skipped=["crontab: needs osquery"])
    return dataclasses.replace(good, **changes)


def post(client: httpx.Client, key: str, body: bytes | dict | wire.TriageUpload, *, gzip_it: bool = True,
         headers: dict[str, str] | None = None) -> httpx.Response:
    if isinstance(body, wire.TriageUpload):
        body = wire.to_dict(body)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", **(headers or {})}
    if gzip_it:
        raw, sent["Content-Encoding"] = gzip.compress(raw), "gzip"
    return client.post("/api/v1/triage", content=raw, headers=sent)


def stored(sessions) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(snapshots, pending requests)."""
    with sessions() as session:
        return (session.scalar(select(func.count()).select_from(TriageSnapshot)) or 0,
                session.scalar(select(func.count()).select_from(TriageRequest)
                               .where(TriageRequest.fulfilled_at.is_(None))) or 0)


@pytest.fixture
def enrolled(client: httpx.Client, secret: str) -> str:
    key = enroll_host(client, secret, debian_host())
    assert post_report(client, key, debian_host()).json()["triage_requested"] is False
    return key


def test_nothing_is_taken_from_a_host_nobody_asked(client, enrolled, sessions) -> None:  # type: ignore[no-untyped-def]
    response = post(client, enrolled, upload())
    assert response.status_code == 409
    assert response.json() == {"detail": "no triage snapshot was asked of host 'ke-toan-01'"}
    assert stored(sessions) == (0, 0)


def test_an_admin_request_is_answered_once(client, enrolled, sessions, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code, out = run(db_url, "botnet", "triage", "ke-toan-01")
    assert (code, out) == (0, "no triage snapshot received from ke-toan-01 yet\n"
                              "none asked either: `patchgap host triage ke-toan-01` asks for one\n")
    code, out = run(db_url, "host", "triage", "ke-toan-01")
    assert (code, out) == (0, "triage snapshot asked of ke-toan-01: it runs at the host's next report\n")
    code, out = run(db_url, "host", "triage", "ke-toan-01")
    assert code == 0 and out.startswith("a triage snapshot of ke-toan-01 is asked already (") and "asked by " in out
    code, out = run(db_url, "botnet", "triage", "ke-toan-01")
    assert out.startswith("no triage snapshot received from ke-toan-01 yet\nasked ")
    assert out.endswith("): it runs at the host's next report\n")

    assert post_report(client, enrolled, debian_host()).json()["triage_requested"] is True
    response = post(client, enrolled, upload())
    assert (response.status_code, response.json()) == (200, {"stored": 3})
    assert stored(sessions) == (1, 0)
    assert post_report(client, enrolled, debian_host()).json()["triage_requested"] is False
    assert post(client, enrolled, upload()).status_code == 409  # once per request
    code, out = run(db_url, "botnet", "triage", "ke-toan-01", "--format", "json")
    data = json.loads(out)
    assert [(r["name"], r["rows"], r["truncated"], r["error"], r["flagged"]) for r in data["results"]] == [
        (r.name, r.rows, r.truncated, r.error, []) for r in upload().results]
    assert (data["source"], data["skipped"], data["pending_request"]) == ("osquery", ["crontab: needs osquery"], None)


def test_botnet_import_asks_every_listed_host_once(client, enrolled, sessions, db_url: str,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path) -> None:
    listed = tmp_path / "ds-botnet.txt"
    listed.write_text("10.10.1.21\n203.0.113.66\n", encoding="utf-8")
    code, out = run(db_url, "botnet", "import", str(listed))
    assert code == 0 and out.splitlines()[-1] == "triage snapshot asked of 1 listed host(s), at their next report"
    code, out = run(db_url, "botnet", "import", str(listed))
    assert code == 0 and "unchanged" in out and "triage" not in out  # the same list asks nothing again
    code, out = run(db_url, "host", "triage", "ke-toan-01")
    assert "is asked already" in out and "botnet list ds-botnet" in out
    assert stored(sessions) == (0, 1)
    assert post_report(client, enrolled, debian_host()).json()["triage_requested"] is True
    assert post(client, enrolled, upload()).status_code == 200

    code, out = run(db_url, "botnet", "triage", "ke-toan-01")
    lines = out.splitlines()
    assert lines[0].startswith("Triage snapshot of ke-toan-01: collected ") and "(osquery), received" in lines[0]
    assert "\n".join(lines[1:]) == """
Ports open for connections, and their processes [listening_ports]: 1 row(s)
pid    name    address    port
-----  ------  ---------  ------
612    sshd    0.0.0.0    22

Processes connected to remote addresses [remote_connections]: 2 row(s)
  more rows were found than sent
pid    name      remote_address         remote_port
-----  --------  ---------------------  -------------
4242   kworkerd  ⚑ ::ffff:203.0.113.66  3333
612    sshd      198.51.100.77          51022

Running programs without a trusted signature [unsigned_binaries]: 0 row(s)
  not collected: no such table: authenticode

Not looked at on this host:
  - crontab: needs osquery

⚑ on an imported botnet list:
  ⚑ ::ffff:203.0.113.66: list ds-botnet, row 2"""
    code, out = run(db_url, "--lang", "vi", "botnet", "triage", "ke-toan-01")
    assert out.startswith("Kết quả rà soát nhanh máy ke-toan-01: thu thập lúc ")
    assert "Tiến trình đang kết nối tới địa chỉ bên ngoài [remote_connections]: 2 dòng" in out
    assert "⚑ có trong danh sách botnet đã nhập:\n  ⚑ ::ffff:203.0.113.66: danh sách ds-botnet, dòng 2" in out
    flagged = json.loads(run(db_url, "botnet", "triage", "ke-toan-01", "--format", "json")[1])["results"][1]["flagged"]
    assert flagged == [{"row": 0, "column": "remote_address", "address": "::ffff:203.0.113.66",
                        "lists": [{"list": "ds-botnet", "row": 2, "network": "203.0.113.66/32", "family": ""}]}]


def too_many_rows() -> wire.TriageUpload:
    rows = [["1"]] * (limits.TRIAGE_ROWS + 1)
    return upload(results=[wire.TriageResult("processes", ["pid"], rows)])


BAD: list[tuple[str, Any, int, str]] = [
    ("not JSON", b'{"host_uuid": ', 400, "body is not JSON"),
    ("not an upload", {"hello": 1}, 422, "invalid TriageUpload"),
    ("another host", upload(host_uuid="someone-else"), 422, "triage snapshot is for host 'someone-else'"),
    ("rows and columns", upload(results=[wire.TriageResult("x", ["a", "b", "c"], [["1", "2"]])]), 422,
     "TriageUpload.results[0].rows[0]: 2 cells for 3 columns"),
    ("too many rows", too_many_rows(), 422, "TriageUpload.results[0].rows: 1001 items exceed the limit of 1000"),
    ("a long cell", upload(results=[wire.TriageResult("x", ["a"], [["y" * (limits.TRIAGE_CELL + 1)]])]), 422,
     "TriageUpload.results[0].rows[0][0]: 4097 characters exceed the limit of 4096"),
    ("a NUL", upload(skipped=["crontab\x00"]), 422, "TriageUpload.skipped[0]: contains a NUL character"),
    ("in the future", upload(collected_at="2099-01-01T00:00:00+00:00"), 422,
     "TriageUpload.collected_at: 2099-01-01T00:00:00+00:00 is ahead of the server's clock"),
    ("a string for a flag", {**wire.to_dict(upload()), "results": [{"name": "x", "truncated": "yes"}]}, 422,
     "results.0.truncated: Input should be a valid boolean"),
]


@pytest.mark.parametrize(("what", "body", "status", "detail"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_upload_is_a_clear_4xx_and_stores_nothing(client, enrolled, sessions, db_url: str,  # type: ignore[no-untyped-def]
                                                        what: str, body: Any, status: int, detail: str) -> None:
    assert run(db_url, "host", "triage", "ke-toan-01")[0] == 0
    response = post(client, enrolled, body)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]
    assert stored(sessions) == (0, 1)  # nothing kept, still asked


def test_size_key_and_encoding_are_checked_before_anything_is_kept(client, enrolled, sessions,  # type: ignore[no-untyped-def]
                                                                   db_url: str) -> None:
    assert run(db_url, "host", "triage", "ke-toan-01")[0] == 0
    huge = b" " * (limits.MAX_TRIAGE_BYTES + 1)
    answers = [
        post(client, enrolled, huge, gzip_it=False),  # too big as sent
        post(client, enrolled, huge),  # too big once inflated: a gzip bomb stops at the limit
        post(client, enrolled, b"not gzip", gzip_it=False, headers={"Content-Encoding": "gzip"}),
        post(client, enrolled, upload(), gzip_it=False, headers={"Content-Encoding": "br"}),
        post(client, "pgn_unknown", upload()),
        client.post("/api/v1/triage", json=wire.to_dict(upload())),
    ]
    assert [(a.status_code, a.json()["detail"]) for a in answers] == [
        (413, f"body of {limits.MAX_TRIAGE_BYTES + 1} bytes exceeds the limit of {limits.MAX_TRIAGE_BYTES}"),
        (413, f"decompressed body exceeds the limit of {limits.MAX_TRIAGE_BYTES} bytes"),
        (400, "body is not valid gzip: Error -3 while decompressing data: incorrect header check"),
        (415, "unsupported Content-Encoding 'br' (use gzip or none)"),
        (401, "unknown node key: enroll again"),
        (401, "missing 'Authorization: Bearer <node key>'"),
    ]
    assert stored(sessions) == (0, 1)


def test_the_openapi_schema_documents_the_upload_and_its_errors(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/openapi.json").json()
    triage = schema["paths"]["/api/v1/triage"]["post"]
    assert triage["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TriageUpload"}
    assert set(triage["responses"]) == {"200", "400", "401", "409", "413", "415", "422", "423", "503"}
    assert "asked of this host" in triage["responses"]["409"]["description"]
    components = schema["components"]["schemas"]
    assert set(components["TriageResult"]["properties"]) == {"name", "columns", "rows", "truncated", "error"}
    assert components["TriageStored"]["properties"]["stored"]["type"] == "integer"
    assert components["ReportAccepted"]["properties"]["triage_requested"]["default"] is False
