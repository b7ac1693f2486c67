"""``patchgap-collect install-service`` / ``uninstall-service``: the dry run of
every OS parsed as the OS would read it, the service's command line run for
real, the refusals, and a real install where systemd runs."""
from __future__ import annotations

import configparser
import os
import plistlib
import shlex
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from collector.cli import cli
from collector.config import default_config_paths
from collector.service import schedule, systemd
from collector.service.plan import Plan, RunCommand, ServiceError, WriteFile, execute
from collector.service.windows_task import NAMESPACE, SYSTEM_SID

TASK = "{" + NAMESPACE + "}"
PY = sys.executable


def dry_run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, [*args, "--dry-run"], env={"PATCHGAP_LANG": "en", **(env or {})})
    assert result.exit_code == 0, result.output
    return result


def sections(output: str) -> tuple[dict[str, str], list[str]]:
    """The dry run's files (path -> text) and its commands, in order."""
    files: dict[str, str] = {}
    commands: list[str] = []
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith("==> write "):
            path = line.removeprefix("==> write ").rsplit(" (", 1)[0]
            current = files.setdefault(path, [])  # type: ignore[assignment]
        elif line.startswith("==> "):
            current = None
            commands.append(line.removeprefix("==> "))
        else:
            assert current is not None, f"text outside a file: {line!r}"
            current.append(line)
    return {path: "\n".join(lines) + "\n" for path, lines in files.items()}, commands


def unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(text)
    return parser


def test_linux_dry_run_is_a_daily_and_boot_timer_with_random_delay() -> None:
    files, commands = sections(dry_run("install-service", "--os", "linux").stdout)
    assert sorted(files) == ["/etc/systemd/system/patchgap-collect.service", "/etc/systemd/system/patchgap-collect.timer"]
    service = unit(files["/etc/systemd/system/patchgap-collect.service"])
    assert service["Service"]["Type"] == "oneshot"
    assert shlex.split(service["Service"]["ExecStart"]) == [PY, "-m", "collector", "once", "--config",
                                                          "/etc/patchgap/collector.ini"]
    assert service["Service"]["SuccessExitStatus"] == "75"  # spooled: sent on the next run
    assert "User" not in service["Service"]  # root: it reads the package database and writes /var/lib
    assert service["Unit"]["After"] == "network-online.target"
    timer = unit(files["/etc/systemd/system/patchgap-collect.timer"])["Timer"]
    assert timer["OnCalendar"] == "*-*-* 10:00:00" and timer["OnBootSec"] == "5min"
    assert timer["RandomizedDelaySec"] == "30min" and timer["Persistent"] == "true"
    assert unit(files["/etc/systemd/system/patchgap-collect.timer"])["Install"]["WantedBy"] == "timers.target"
    assert commands == ["run: systemctl daemon-reload", "run: systemctl enable patchgap-collect.timer",
                        "run: systemctl restart patchgap-collect.timer"]


def test_linux_default_config_is_the_one_the_collector_reads() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the Linux default is compared on Linux")
    assert Path(systemd.DEFAULT_CONFIG) == default_config_paths()[0]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    files, _ = sections(dry_run("install-service", "--os", "linux").stdout)
    paths = []
    for path, text in files.items():
        (tmp_path / Path(path).name).write_text(text)
        paths.append(tmp_path / Path(path).name)
    checked = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, paths)],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr


def test_the_service_command_line_runs_the_collector(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"  # nothing listens there after this block
    config = tmp_path / "collector.ini"
    config.write_text(f"[collector]\nserver = {closed}\nenroll_secret = pge_x\nsource = native\n"
                      f"state_dir = {tmp_path / 'st'}\n")
    files, _ = sections(dry_run("install-service", "--os", "linux", "--config", str(config)).stdout)
    argv = shlex.split(unit(files["/etc/systemd/system/patchgap-collect.service"])["Service"]["ExecStart"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATCHGAP_")}  # a service has no such variables
    ran = subprocess.run(argv, cwd="/", capture_output=True, text=True, env=env, timeout=300, check=False)
    assert ran.returncode == 75, ran.stderr  # the exit the unit counts as success: spooled
    assert len(list((tmp_path / "st" / "spool").glob("*.json.gz"))) == 1


def test_exec_start_quotes_what_systemd_would_expand() -> None:
    assert systemd.quote("/usr/bin/python3") == "/usr/bin/python3"
    assert systemd.quote("/opt/my app/50%/$HOME") == '"/opt/my app/50%%/$$HOME"'


def test_macos_dry_run_is_a_launchd_daemon_daily_and_at_load() -> None:
    files, commands = sections(dry_run("install-service", "--os", "macos", "--python", "/usr/local/bin/python3").stdout)
    assert list(files) == ["/Library/LaunchDaemons/org.patchgap.collect.plist"]
    daemon = plistlib.loads(files["/Library/LaunchDaemons/org.patchgap.collect.plist"].encode())
    assert daemon["Label"] == "org.patchgap.collect"
    assert daemon["ProgramArguments"] == ["/usr/local/bin/python3", "-m", "collector", "once", "--config",
                                          "/Library/Application Support/patchgap/collector.ini"]
    minute = schedule.machine_offset(30)
    assert daemon["StartCalendarInterval"] == {"Hour": 10, "Minute": minute}
    assert daemon["RunAtLoad"] is True
    assert "UserName" not in daemon  # a LaunchDaemon without UserName runs as root
    assert commands == ["run (a failure is ignored): launchctl bootout system/org.patchgap.collect",
                        "run: launchctl bootstrap system /Library/LaunchDaemons/org.patchgap.collect.plist"]


def test_windows_dry_run_is_a_system_task_daily_and_at_boot_with_random_delay() -> None:
    python = r"C:\Program Files\Python312\python.exe"
    files, commands = sections(dry_run("install-service", "--os", "windows", "--python", python).stdout)
    xml_path = r"C:\ProgramData\patchgap\patchgap-collect-task.xml"
    assert list(files) == [xml_path]
    task = ET.fromstring(files[xml_path].encode("utf-16"))  # as the file is written: UTF-16
    assert task.tag == TASK + "Task"
    principal = task.find(f"{TASK}Principals/{TASK}Principal")
    assert principal.findtext(f"{TASK}UserId") == SYSTEM_SID
    daily = task.find(f"{TASK}Triggers/{TASK}CalendarTrigger")
    assert daily.findtext(f"{TASK}ScheduleByDay/{TASK}DaysInterval") == "1"
    assert daily.findtext(f"{TASK}StartBoundary").endswith("T10:00:00")
    assert daily.findtext(f"{TASK}RandomDelay") == "PT30M"
    boot = task.find(f"{TASK}Triggers/{TASK}BootTrigger")
    assert boot.findtext(f"{TASK}Delay") == f"PT{5 + schedule.machine_offset(30)}M"
    actions = task.find(f"{TASK}Actions")
    assert actions.get("Context") == principal.get("id")
    assert actions.findtext(f"{TASK}Exec/{TASK}Command") == python
    assert actions.findtext(f"{TASK}Exec/{TASK}Arguments") == (
        r"-m collector once --config C:\ProgramData\patchgap\collector.ini")
    assert task.findtext(f"{TASK}Settings/{TASK}StartWhenAvailable") == "true"
    assert commands == [f"run: schtasks /Create /TN patchgap-collect /XML {xml_path} /F"]


def test_uninstall_dry_runs() -> None:
    _, linux = sections(dry_run("uninstall-service", "--os", "linux").stdout)
    assert linux == ["run (a failure is ignored): systemctl disable --now patchgap-collect.timer",
                     "remove /etc/systemd/system/patchgap-collect.timer",
                     "remove /etc/systemd/system/patchgap-collect.service", "run: systemctl daemon-reload"]
    _, macos = sections(dry_run("uninstall-service", "--os", "macos").stdout)
    assert macos == ["run (a failure is ignored): launchctl bootout system/org.patchgap.collect",
                     "remove /Library/LaunchDaemons/org.patchgap.collect.plist"]
    _, windows = sections(dry_run("uninstall-service", "--os", "windows").stdout)
    assert windows == ["run (a failure is ignored): schtasks /Delete /TN patchgap-collect /F",
                       r"remove C:\ProgramData\patchgap\patchgap-collect-task.xml"]


def test_the_spread_is_stable_per_machine_and_varies_across_machines() -> None:
    offsets = {schedule.machine_offset(30, f"pc-{n:02d}") for n in range(40)}
    assert schedule.machine_offset(30, "pc-01") == schedule.machine_offset(30, "PC-01")
    assert len(offsets) > 10 and all(0 <= o < 30 for o in offsets)


def test_dry_run_speaks_vietnamese() -> None:
    result = dry_run("install-service", "--os", "windows", env={"PATCHGAP_LANG": "vi"})
    assert result.stdout.startswith(r"==> ghi tệp C:\ProgramData\patchgap\patchgap-collect-task.xml (UTF-16")
    assert "==> chạy: schtasks /Create" in result.stdout
    assert "chạy thử cho windows" in result.stderr


def here() -> str:
    return {"darwin": "macos", "win32": "windows"}.get(sys.platform, "linux")


def test_another_os_is_for_dry_runs_only() -> None:
    other = "windows" if here() != "windows" else "linux"
    result = CliRunner().invoke(cli, ["install-service", "--os", other, "--lang", "en"])
    assert result.exit_code == 2
    assert f"--os {other} is not this machine ({here()}): use it with --dry-run" in result.stderr


def test_install_needs_a_config_file_with_a_server(tmp_path: Path) -> None:
    missing = CliRunner().invoke(cli, ["install-service", "--config", str(tmp_path / "none.ini"), "--lang", "en"])
    assert missing.exit_code == 2 and "which does not exist" in missing.stderr
    (tmp_path / "bare.ini").write_text("[collector]\nsource = native\n")
    bare = CliRunner().invoke(cli, ["install-service", "--config", str(tmp_path / "bare.ini"), "--lang", "vi"])
    assert bare.exit_code == 2 and "chưa có máy chủ" in bare.stderr
    (tmp_path / "typo.ini").write_text("[collector]\nsever = https://x.example\n")
    typo = CliRunner().invoke(cli, ["install-service", "--config", str(tmp_path / "typo.ini"), "--lang", "en"])
    assert typo.exit_code == 2 and "unknown setting(s) sever" in typo.stderr
    (tmp_path / "new.ini").write_text(f"[collector]\nserver = https://x.example\nstate_dir = {tmp_path / 'st'}\n")
    never_enrolled = CliRunner().invoke(cli, ["install-service", "--config", str(tmp_path / "new.ini"), "--lang", "en"])
    assert never_enrolled.exit_code == 2 and "holds no node key yet" in never_enrolled.stderr


def systemd_running() -> bool:
    if not os.path.isdir("/run/systemd/system"):
        return False
    state = subprocess.run(["systemctl", "is-system-running"], capture_output=True, text=True, check=False)
    return state.stdout.strip() in ("running", "degraded")


def test_without_systemd_nothing_is_written(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux") or systemd_running():
        pytest.skip("needs a Linux machine where systemd is not running")
    config = tmp_path / "collector.ini"
    config.write_text("[collector]\nserver = https://patchgap.example.org\nenroll_secret = pge_x\n")
    result = CliRunner().invoke(cli, ["install-service", "--config", str(config), "--lang", "en"])
    assert result.exit_code == 1 and "systemd is not running here" in result.stderr
    assert not Path(systemd.SERVICE_PATH).exists() and not Path(systemd.TIMER_PATH).exists()
    removed = CliRunner().invoke(cli, ["uninstall-service", "--lang", "en"])
    assert removed.exit_code == 0 and "is not installed here" in removed.stdout


@pytest.mark.skipif(not systemd_running() or os.geteuid() != 0,
                    reason="a real install needs systemd running (systemctl is-system-running) and root")
def test_real_install_on_linux(tmp_path: Path) -> None:
    config = tmp_path / "collector.ini"
    config.write_text(f"[collector]\nserver = https://patchgap.example.org\nenroll_secret = pge_x\n"
                      f"state_dir = {tmp_path / 'st'}\n")
    try:
        installed = CliRunner().invoke(cli, ["install-service", "--config", str(config), "--lang", "en"])
        assert installed.exit_code == 0, installed.output
        assert "installed patchgap-collect.timer" in installed.stdout
        enabled = subprocess.run(["systemctl", "is-enabled", "patchgap-collect.timer"], capture_output=True, text=True)
        assert enabled.stdout.strip() == "enabled"
        shown = subprocess.run(["systemctl", "show", "-p", "RandomizedDelayUSec", "-p", "Persistent",
                                "patchgap-collect.timer"], capture_output=True, text=True, check=True)
        assert "RandomizedDelayUSec=30min" in shown.stdout and "Persistent=yes" in shown.stdout
        exec_start = subprocess.run(["systemctl", "show", "-p", "ExecStart", "patchgap-collect.service"],
                                    capture_output=True, text=True, check=True).stdout
        assert f"--config {config}" in exec_start
    finally:
        removed = CliRunner().invoke(cli, ["uninstall-service", "--lang", "en"])
    assert removed.exit_code == 0, removed.output
    assert not Path(systemd.SERVICE_PATH).exists() and not Path(systemd.TIMER_PATH).exists()


def test_plan_execution_writes_atomically_and_stops_at_a_failed_command(tmp_path: Path) -> None:
    xml = tmp_path / "deep" / "task.xml"
    after = tmp_path / "after.txt"
    plan = Plan("linux", "t", (
        WriteFile(str(xml), "<Task/>\n", encoding="utf-16", mode=0o600),
        RunCommand((sys.executable, "-c", "raise SystemExit(0)"), may_fail=True),
        RunCommand((sys.executable, "-c", "import sys; sys.exit('refused')"), may_fail=True),  # ignored
        RunCommand((sys.executable, "-c", "import sys; print('no such unit', file=sys.stderr); sys.exit(3)")),
        WriteFile(str(after), "never\n"),
    ))
    with pytest.raises(ServiceError, match=r"failed \(exit 3\): no such unit"):
        execute(plan, "en")
    assert xml.read_bytes().startswith(b"\xff\xfe") and xml.read_bytes().decode("utf-16") == "<Task/>\n"
    assert xml.stat().st_mode & 0o777 == 0o600
    assert not after.exists() and list(xml.parent.iterdir()) == [xml]  # no temporary file left behind
