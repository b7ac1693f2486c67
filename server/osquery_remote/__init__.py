"""osquery's own remote (TLS) API, so a PC with only osqueryd installed (the
official MSI, pkg or deb) reports to patchgap without the collector.

osqueryd speaks it with its ``tls`` enroll, config, logger and distributed
plugins (``--enroll_tls_endpoint=/api/osquery/enroll`` and so on): JSON POST
bodies carrying the ``node_key`` it was given at enrollment.

- ``enroll``: the same identity rules as ``/api/v1/enroll``. osqueryd cannot
  prove it is a known host: it enrolls again only after it was told
  ``node_invalid`` and has dropped its key by then. So a known host enrolling
  through osquery always waits for an admin (``patchgap host approve``), like
  a collector without its key; a new host enrolls into its secret's unit.
- A key waiting for approval is not ``node_invalid``: osqueryd would enroll
  again at once, each time making a new pending request, and the key an admin
  approves would already be gone. It gets an empty schedule, no distributed
  queries, and ``423`` for logs (osqueryd keeps buffering them) until approved.
- ``config``: the schedule built from ``queries/`` (:mod:`.schedule`).
- ``log``: result logs keep the latest rows per (host, query); a report is
  assembled from them with the collector's own code once every query of the
  host's platform has answered (:mod:`.assemble`). Status logs are kept
  briefly, bounded per host (:mod:`.status`).
- ``distributed``: an admin's refresh hands out the inventory queries at once
  (:mod:`.refresh`); the answers are stored like scheduled snapshots.
"""
