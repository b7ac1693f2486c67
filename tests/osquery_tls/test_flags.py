"""`patchgap osquery flags`: a ready osquery.flags and enroll-secret file per
OS, whose secret enrolls a PC through osquery's TLS API, and the one
command that installs them."""
from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.db.models import EnrollSecret
from tests.osquery_standin.scenarios import load_scenario
from tests.osquery_tls.conftest import standin_database
from tests.osquery_standin.tls_node import TlsNode

ENDPOINTS = [
    "--enroll_tls_endpoint={p}/enroll",
    "--host_identifier=uuid",
    "--config_plugin=tls",
    "--config_tls_endpoint={p}/config",
    "--config_refresh=3600",
    "--logger_plugin=tls",
    "--logger_tls_endpoint={p}/log",
    "--logger_tls_period=60",
    "--logger_tls_max_lines=32",
    "--logger_tls_compress=true",
    "--disable_distributed=false",
    "--distributed_plugin=tls",
    "--distributed_interval=60",
    "--distributed_tls_read_endpoint={p}/distributed/read",
    "--distributed_tls_write_endpoint={p}/distributed/write",
]


def run(db_url: str, *args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", lang, "osquery", "flags", *args],
                                catch_exceptions=False)
    return result.exit_code, result.output


def test_windows_flags_and_secret_enroll_a_pc(db_url, client, tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    code, out = run(db_url, "--server", "https://patchgap.example.org:8443", "--unit", "UBND xã Đông Hòa",
                    "-o", str(tmp_path))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith(f"wrote osquery.flags, enroll_secret.txt in {tmp_path}: a new secret of unit "
                               "'UBND xã Đông Hòa' (pge_")
    assert lines[1:] == [
        "On each PC with the osquery MSI, from that folder, in PowerShell as Administrator:",
        r"Copy-Item .\osquery.flags, .\enroll_secret.txt -Destination 'C:\Program Files\osquery' -Force; "
        "Set-Service osqueryd -StartupType Automatic; Restart-Service osqueryd"]
    raw = (tmp_path / "osquery.flags").read_bytes()
    assert raw.count(b"\r\n") == len(ENDPOINTS) + 2  # a Windows text file
    assert raw.decode().splitlines() == [
        "--tls_hostname=patchgap.example.org:8443",
        r"--enroll_secret_path=C:\Program Files\osquery\enroll_secret.txt",
        *(line.format(p="/api/osquery") for line in ENDPOINTS)]
    secret_file = tmp_path / "enroll_secret.txt"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # The written secret is a real one of that unit: osqueryd enrolls with it.
    rows = load_scenario("windows")
    node = TlsNode(client, standin_database(rows), rows.platform, secret_file.read_text())
    assert node.enroll().status_code == 200 and node.node_key
    with sessions() as session:
        assert [s.unit.name for s in session.scalars(select(EnrollSecret))] == ["UBND xã Đông Hòa"]


def test_linux_and_macos_with_a_pinned_certificate_and_a_path_prefix(db_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cert = tmp_path / "ca.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    code, out = run(db_url, "--server", "https://10.0.0.5/patchgap/", "--unit", "Phòng Tài chính", "--os", "linux",
                    "--ca-cert", str(cert), "-o", str(tmp_path / "linux"), lang="vi")
    assert code == 0, out
    assert out.splitlines()[1:] == [
        "Trên từng máy đã cài osquery (deb hoặc rpm), tại thư mục đó, chạy:",
        "sudo sh -c 'install -m 644 osquery.flags /etc/osquery/osquery.flags && install -m 600 enroll_secret.txt "
        "/etc/osquery/enroll_secret.txt && install -m 644 patchgap.pem /etc/osquery/patchgap.pem && "
        "systemctl enable osqueryd && systemctl restart osqueryd'"]
    assert (tmp_path / "linux" / "osquery.flags").read_text().splitlines() == [
        "--tls_hostname=10.0.0.5",
        "--tls_server_certs=/etc/osquery/patchgap.pem",
        "--enroll_secret_path=/etc/osquery/enroll_secret.txt",
        *(line.format(p="/patchgap/api/osquery") for line in ENDPOINTS)]
    assert (tmp_path / "linux" / "patchgap.pem").read_text() == cert.read_text()
    code, out = run(db_url, "--server", "https://[fd00::5]:9443", "--unit", "Phòng Tài chính", "--os", "macos",
                    "-o", str(tmp_path / "mac"))
    assert code == 0, out
    assert out.splitlines()[2] == (
        "sudo sh -c 'install -m 644 osquery.flags /var/osquery/osquery.flags && install -m 600 enroll_secret.txt "
        "/var/osquery/enroll_secret.txt && cp /var/osquery/io.osquery.agent.plist "
        "/Library/LaunchDaemons/io.osquery.agent.plist && (launchctl bootout system "
        "/Library/LaunchDaemons/io.osquery.agent.plist 2>/dev/null; launchctl bootstrap system "
        "/Library/LaunchDaemons/io.osquery.agent.plist)'")
    assert (tmp_path / "mac" / "osquery.flags").read_text().splitlines()[:2] == [
        "--tls_hostname=[fd00::5]:9443", "--enroll_secret_path=/var/osquery/enroll_secret.txt"]


def test_bad_servers_and_existing_files_are_refused_and_make_no_secret(db_url, tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    for server in ("http://patchgap.example.org", "patchgap.example.org", "https://", "https://h/?x=1"):
        code, out = run(db_url, "--server", server, "--unit", "U", "-o", str(tmp_path / "a"))
        assert code == 1 and "give the https URL the PCs reach this server at" in out, out
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "osquery.flags").write_text("mine")
    code, out = run(db_url, "--server", "https://h", "--unit", "U", "-o", str(tmp_path / "b"))
    assert code == 1 and "not overwritten" in out and "osquery.flags" in out
    assert (tmp_path / "b" / "osquery.flags").read_text() == "mine"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b" / "enroll_secret.txt").exists()
    with sessions() as session:
        assert session.scalars(select(EnrollSecret)).all() == []
