"""A ready ``osquery.flags`` for a PC that reports through osquery's TLS API
alone, per OS: where the official packages keep osqueryd's files, the flags
that point its tls plugins at this server, and the one command that puts the
files in place and restarts osqueryd. Pure: the CLI writes the files."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from server.errors import InvalidInput
from server.osquery_remote.routes import PREFIX

SECRET_FILE = "enroll_secret.txt"
CERT_FILE = "patchgap.pem"
FLAGS_FILE = "osquery.flags"
# How often osqueryd asks for its config, sends buffered logs, asks for
# distributed queries: an admin's refresh is answered within a minute, and
# an idle PC makes one small request a minute.
CONFIG_REFRESH = 3600
LOGGER_PERIOD = 60
# At most this many log items per request: a snapshot of a Linux server's
# packages is ~300 KB, and a PC back from a week offline has a buffer of
# them; osqueryd never splits a request the server refused as too large, so
# each must stay well under the server's body limit (16 MiB).
LOGGER_MAX_LINES = 32
DISTRIBUTED_INTERVAL = 60


@dataclass(frozen=True)
class Layout:
    """Where the official osquery package of one OS keeps its files."""

    folder: str  # where the flags, secret and certificate go
    separator: str

    def path(self, name: str) -> str:
        return self.folder + self.separator + name


LAYOUTS = {
    "windows": Layout(r"C:\Program Files\osquery", "\\"),  # the MSI's folder; its service reads osquery.flags there
    "linux": Layout("/etc/osquery", "/"),  # the deb and rpm: osqueryd.service reads /etc/osquery/osquery.flags
    "macos": Layout("/var/osquery", "/"),  # the pkg: io.osquery.agent reads /var/osquery/osquery.flags
}


def tls_hostname(server: str) -> tuple[str, str]:
    """(host[:port] for --tls_hostname, path prefix of the endpoints) from an https URL."""
    parts = urlsplit(server.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidInput.of("osquery_flags_https", server=server)
    if parts.query or parts.fragment:
        raise InvalidInput.of("osquery_flags_https", server=server)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return (f"{host}:{parts.port}" if parts.port else host), parts.path.rstrip("/")


def flags(server: str, os_name: str, with_cert: bool) -> str:
    """The text of osquery.flags for ``os_name`` (windows, linux, macos)."""
    layout = LAYOUTS[os_name]
    hostname, prefix = tls_hostname(server)
    endpoint = prefix + PREFIX
    lines = [
        f"--tls_hostname={hostname}",
        *([f"--tls_server_certs={layout.path(CERT_FILE)}"] if with_cert else []),
        f"--enroll_secret_path={layout.path(SECRET_FILE)}",
        f"--enroll_tls_endpoint={endpoint}/enroll",
        "--host_identifier=uuid",
        "--config_plugin=tls",
        f"--config_tls_endpoint={endpoint}/config",
        f"--config_refresh={CONFIG_REFRESH}",
        "--logger_plugin=tls",
        f"--logger_tls_endpoint={endpoint}/log",
        f"--logger_tls_period={LOGGER_PERIOD}",
        f"--logger_tls_max_lines={LOGGER_MAX_LINES}",
        "--logger_tls_compress=true",
        "--disable_distributed=false",
        "--distributed_plugin=tls",
        f"--distributed_interval={DISTRIBUTED_INTERVAL}",
        f"--distributed_tls_read_endpoint={endpoint}/distributed/read",
        f"--distributed_tls_write_endpoint={endpoint}/distributed/write",
    ]
    return "\n".join(lines) + "\n"


def install_command(os_name: str, with_cert: bool) -> str:
    """The one command, run from the folder holding the written files as
    Administrator (PowerShell) or root, that installs them and restarts osqueryd."""
    layout = LAYOUTS[os_name]
    files = [FLAGS_FILE, SECRET_FILE, *([CERT_FILE] if with_cert else [])]
    if os_name == "windows":
        sources = ", ".join(f".\\{name}" for name in files)
        return (f"Copy-Item {sources} -Destination '{layout.folder}' -Force; "
                "Set-Service osqueryd -StartupType Automatic; Restart-Service osqueryd")
    copies = " && ".join(
        f"install -m {'600' if name == SECRET_FILE else '644'} {name} {layout.path(name)}" for name in files)
    if os_name == "linux":
        return f"sudo sh -c '{copies} && systemctl enable osqueryd && systemctl restart osqueryd'"
    plist = "/Library/LaunchDaemons/io.osquery.agent.plist"
    return (f"sudo sh -c '{copies} && cp {layout.path('io.osquery.agent.plist')} {plist} && "
            f"(launchctl bootout system {plist} 2>/dev/null; launchctl bootstrap system {plist})'")
