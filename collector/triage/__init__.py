"""The triage snapshot the server asks of a botnet-listed host (or one an
admin names): run the triage checks once, send them, and never let that
fail the report, which was delivered already.

Like the inventory, the snapshot comes from osquery (``queries/triage``) or,
without it on Linux, from /proc (:mod:`collector.triage.native`), whichever
source answered the report. When it cannot be made or sent, the server keeps
asking at each report until it arrives.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from collector import limits as L
from collector import wire
from collector.config import Settings
from collector.errors import CollectorError
from collector.i18n import text
from collector.inventory import utc_now
from collector.push import Pusher
from collector.sources import pick_source
from collector.triage.interface import TriageRun, TriageSource, clean, fit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    sent: bool
    message: str


def host_platform(os_info: wire.OsInfo) -> str:
    """windows, darwin or linux: which triage queries apply."""
    return os_info.platform if os_info.platform in ("windows", "darwin") else "linux"


def triage_source(report: wire.Report, settings: Settings) -> TriageSource:
    """The triage counterpart of the source that answered ``report``."""
    if report.collector.source == "osquery":
        from collector.triage.osquery_triage import OsqueryTriage

        inventory = pick_source("osquery", socket_path=settings.osquery_socket or None)
        return OsqueryTriage(inventory, host_platform(report.os))  # type: ignore[arg-type]
    from collector.triage.native import NativeTriage

    return NativeTriage()


def build_upload(run: TriageRun, host_uuid: str, source: str, collected_at: str | None = None) -> wire.TriageUpload:
    """The upload of ``run``, within the wire limits."""
    skipped = [clean(line)[: L.OTHER_TEXT] for line in run.skipped][: L.TRIAGE_SKIPPED]
    upload = wire.TriageUpload(host_uuid=host_uuid, collected_at=collected_at or utc_now(), source=source,
                               results=run.results[: L.TRIAGE_RESULTS], skipped=skipped)
    return fit(upload)


def deliver(settings: Settings, report: wire.Report) -> Outcome:
    """Make and send the snapshot for the host of ``report``; the outcome, never an exception."""
    try:
        source = triage_source(report, settings)
        upload = build_upload(source.run(), report.host.uuid, source.name)
        with Pusher(settings.server, state_dir=settings.state_dir, host=report.host, ca_cert=settings.ca_cert,
                    insecure=settings.insecure) as pusher:
            stored = pusher.send_triage(upload)
    except CollectorError as exc:
        return Outcome(False, text("triage_not_sent", error=exc))
    except Exception as exc:  # noqa: BLE001 - the report is delivered whatever happens here
        log.debug("triage snapshot failed", exc_info=True)
        return Outcome(False, text("triage_failed", error=f"{type(exc).__name__}: {exc}"))
    cut = sum(result.truncated for result in upload.results)
    return Outcome(True, text("triage_sent", stored=stored, cut=cut, skipped=len(upload.skipped)))
