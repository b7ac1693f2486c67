"""A small but complete weekly report, built by hand from the dataclasses: a
province with one district and two communes (with subtotals), two national
warnings (one due soon, one past its deadline), hosts needing action, new and
resolved gaps, silent hosts (one never reported), one end-of-life host and a
12-week trend."""
from __future__ import annotations

import datetime as dt

from server.reports.model import (ActionRow, ChangeRow, EolRow, GapRow, Period, SilentRow, Summary, TrendPoint,
                                  UnitRow, WarningSection, WarningUnitRow, WeeklyReport)

UTC = dt.timezone.utc
PROVINCE, DISTRICT = "Tỉnh Lạng Sơn", "Huyện Cao Lộc"
COMMUNE_A, COMMUNE_B = "Xã Hòa Cư", "Xã Gia Cát"


def _at(day: int, month: int = 11, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 30, tzinfo=UTC)


def _warning_rows(figures: list[tuple[int, int, int, int, int]]) -> tuple[list[WarningUnitRow], WarningUnitRow]:
    """Rows for commune A and B from (affected, handled, unpatched, overdue, not_reporting);
    the district and province lines add them up."""
    a, b = (WarningUnitRow(name, 2, False, *f) for name, f in zip((COMMUNE_A, COMMUNE_B), figures))
    sums = tuple(x + y for x, y in zip(figures[0], figures[1]))
    rows = [WarningUnitRow(PROVINCE, 0, True, *sums), WarningUnitRow(DISTRICT, 1, True, *sums), a, b]
    return rows, WarningUnitRow("", 0, True, *sums)


def _warnings() -> list[WarningSection]:
    soon_rows, soon_total = _warning_rows([(5, 3, 2, 0, 1), (4, 1, 3, 0, 0)])
    late_rows, late_total = _warning_rows([(3, 1, 2, 2, 0), (2, 2, 0, 0, 0)])
    return [
        WarningSection("1234/CATTT-NCSC", dt.date(2026, 11, 20), "Cục An toàn thông tin",
                       "Lỗ hổng nghiêm trọng trong Microsoft Windows <Print Spooler> & Office",
                       dt.date(2026, 12, 3), True, False, soon_rows, soon_total),
        WarningSection("1100/CATTT-NCSC", dt.date(2026, 10, 30), "Cục An toàn thông tin",
                       "Lỗ hổng trong OpenSSL và trình duyệt Google Chrome",
                       dt.date(2026, 11, 20), False, True, late_rows, late_total),
    ]


def _units() -> list[UnitRow]:
    return [
        UnitRow(PROVINCE, "LSN", 0, True, 14, 12, 42.9, 23, 6, 41),
        UnitRow(DISTRICT, "LSN-CL", 1, True, 14, 12, 42.9, 23, 6, 41),
        UnitRow(COMMUNE_A, "LSN-CL-HC", 2, False, 8, 7, 37.5, 15, 5, 41),
        UnitRow(COMMUNE_B, "LSN-CL-GC", 2, False, 6, 5, 50.0, 8, 1, 12),
    ]


def _actions() -> list[ActionRow]:
    return [
        ActionRow(1, "ke-toan-01", COMMUNE_A, "10.1.2.15", "Windows 10 Pro 22H2", "19045.4046", 6, True, True,
                  "1100/CATTT-NCSC", "critical", "Google Chrome 118.0", "KB5034441 / 19045.4780", 41),
        ActionRow(2, "mot-cua-02", COMMUNE_A, "10.1.2.21", "Windows 11 Pro 23H2", "22631.3007", 4, True, False,
                  "1234/CATTT-NCSC", "critical", "Microsoft Office 2019", "KB5002537", 9),
        ActionRow(3, "dia-chinh-01", COMMUNE_B, "10.1.3.11", "Debian GNU/Linux 12", "12.4", 3, False, True,
                  "CVE-2024-5535", "high", "openssl 3.0.11-1", "3.0.14-1~deb12u1", 12),
        ActionRow(4, "van-thu-03", COMMUNE_B, "10.1.3.30", "Ubuntu 22.04 LTS", "22.04.3", 1, False, False,
                  "USN-6800-1", "medium", "firefox 125.0", "126.0", 3),
    ]


def _changes() -> tuple[list[ChangeRow], list[ChangeRow]]:
    new = [ChangeRow("mot-cua-02", COMMUNE_A, "1234/CATTT-NCSC", "critical", "Microsoft Office 2019", _at(24)),
           ChangeRow("van-thu-03", COMMUNE_B, "USN-6800-1", "medium", "firefox", _at(26, hour=14))]
    resolved = [ChangeRow("tu-phap-01", COMMUNE_B, "1100/CATTT-NCSC", "high", "Google Chrome", _at(25))]
    return new, resolved


def _trend() -> list[TrendPoint]:
    first_end = dt.date(2026, 9, 13)  # Sunday of 2026-W37
    open_gaps = [40, 38, 41, 36, 33, 35, 30, 28, 31, 26, 25, 23]
    overdue = [2, 3, 5, 6, 4, 4, 7, 8, 6, 5, 7, 6]
    reporting = [10, 11, 11, 12, 12, 13, 12, 13, 13, 12, 13, 12]
    return [TrendPoint(f"2026-W{37 + i}", first_end + dt.timedelta(weeks=i), open_gaps[i], overdue[i], reporting[i])
            for i in range(12)]


def _gaps() -> list[GapRow]:
    return [
        GapRow("ke-toan-01", COMMUNE_A, "1100/CATTT-NCSC", "1100/CATTT-NCSC", "critical", "CVE-2023-5217",
               "Google Chrome", "118.0.5993.70", "119.0.6045.105", dt.date(2026, 11, 20), True, True, _at(19, 10)),
        GapRow("mot-cua-02", COMMUNE_A, "1234/CATTT-NCSC", "1234/CATTT-NCSC", "critical", "CVE-2026-21001",
               "Microsoft Office 2019", "16.0.10405", "KB5002537", dt.date(2026, 12, 3), False, True, _at(24)),
        GapRow("dia-chinh-01", COMMUNE_B, "CVE-2024-5535", "", "high", "CVE-2024-5535", "openssl",
               "3.0.11-1~deb12u2", "3.0.14-1~deb12u1", None, False, False, _at(17)),
    ]


def weekly_report(units: list[str] | None = None) -> WeeklyReport:
    """The sample report; ``units`` are the units asked for ([] = all)."""
    new, resolved = _changes()
    summary = Summary(hosts=14, reporting=12, with_gaps=8, compliant_percent=42.9,
                      open_by_severity={"critical": 4, "high": 9, "medium": 8, "low": 2, "unknown": 0},
                      open_gaps=23, overdue_gaps=6, overdue_hosts=3,
                      previous={"hosts": 14, "reporting": 13, "with_gaps": 9, "compliant_percent": 35.7,
                                "open_gaps": 25, "overdue_gaps": 7, "overdue_hosts": 4})
    return WeeklyReport(
        period=Period(dt.datetime(2026, 11, 23, tzinfo=UTC), dt.datetime(2026, 11, 30, tzinfo=UTC), "2026-W48"),
        units=[PROVINCE] if units is None else units,
        generated_at=dt.datetime(2026, 11, 30, 1, 15, tzinfo=UTC),
        stale_days=7,
        summary=summary,
        warnings=_warnings(),
        per_unit=_units(),
        actions=_actions(),
        new=new,
        resolved=resolved,
        silent=[SilentRow("tiep-dan-01", COMMUNE_A, _at(12), 17), SilentRow("may-moi-05", COMMUNE_B, None, None)],
        end_of_life=[EolRow("luu-tru-01", COMMUNE_B, "Windows 7 Professional", "SP1", dt.date(2020, 1, 14))],
        trend=_trend(),
        gaps=_gaps(),
    )
