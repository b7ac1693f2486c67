"""A PC with only osqueryd, end to end: `patchgap serve` with TLS in its own
process, the osqueryd stand-in speaking osquery's remote API over HTTPS
(pinned to the server's certificate, as --tls_server_certs does), the admin
CLI in its own processes reading hosts, gaps and osqueryd's status, and an
admin's refresh going out through distributed queries."""
from __future__ import annotations

import json
import ssl
from pathlib import Path

import httpx

from server.api.background import free_port
from tests.e2e.test_whole_path import Serve, patchgap, secret_for
from tests.osquery_standin.database import StandInDatabase
from tests.osquery_standin.scenarios import load_scenario, shared_specs_dir, specs_for
from tests.osquery_standin.tls_node import TlsNode
from tests.tls import self_signed


def test_an_osquery_only_pc_over_tls_to_gaps(db_url: str, tmp_path: Path, fixtures_dir: Path) -> None:
    cert, key = self_signed(tmp_path)
    server = Serve(db_url, free_port(), tls=(cert, key))
    server.start()
    try:
        secret = secret_for(db_url, "UBND xã Đông Hòa")
        rows = load_scenario("windows")
        database = StandInDatabase(rows, specs_for(rows.platform, shared_specs_dir()))
        trusted = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=server.url, verify=trusted, timeout=30) as client:
            node = TlsNode(client, database, rows.platform, secret + "\n", compress=True)
            assert node.enroll().status_code == 200
            assert node.fetch_config().status_code == 200 and "programs" in node.schedule
            read, write = node.distributed()  # the first inventory, asked at enrollment
            assert read.json()["queries"] and write is not None and write.status_code == 200

            hosts = json.loads(patchgap(db_url, "hosts", "--format", "json").stdout)
            assert [(h["host"], h["unit"], h["build"]) for h in hosts] == [
                ("PC-ACC-017", "UBND xã Đông Hòa", "10.0.19045.4291")]
            assert hosts[0]["software"] > 0

            imported = patchgap(db_url, "warnings", "import", str(fixtures_dir / "warnings" / "e2e.csv"))
            assert imported.returncode == 0, imported.stderr
            gaps = json.loads(patchgap(db_url, "gaps", "--format", "json").stdout)
            assert {(g["host"], g["advisory"], g["installed"], g["fixed"]) for g in gaps} == {
                ("PC-ACC-017", "E2E-1/TEST", "10.0.19045.4291", "10.0.19045.4529")}

            # The schedule's results and status log, gzip as --logger_tls_compress sends them.
            node.run_schedule()
            assert [a.status_code for a in node.flush()] == [200, 200]
            status = patchgap(db_url, "host", "PC-ACC-017", "--osquery-status")
            assert status.returncode == 0, status.stderr
            assert "Executing scheduled query programs" in status.stdout and "windows_ubr" in status.stdout

            asked = patchgap(db_url, "--lang", "vi", "host", "refresh", "PC-ACC-017")
            assert asked.returncode == 0 and "đã yêu cầu 1 máy" in asked.stdout
            read, write = node.distributed()
            assert "programs" in read.json()["queries"] and "deb_packages" not in read.json()["queries"]
            assert write is not None and write.json() == {"node_invalid": False}
    finally:
        server.stop()
