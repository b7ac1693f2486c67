"""Triage snapshots of botnet-listed hosts: a few osquery answers (listening
ports, remote connections, autoruns, scheduled tasks, services, recent
executables, unsigned programs) that tell whether a listed machine runs
malware.

A snapshot is asked (:mod:`server.triage.requests`) when a botnet list names
a host or an admin asks; the host's next report is answered
``triage_requested``; the collector runs ``queries/triage`` once and uploads
the answers (:mod:`server.triage.snapshots`); ``botnet triage HOST`` shows
them with the remote addresses that are on a list marked
(:mod:`server.triage.marks`). Nothing is asked of a host that is not listed
unless an admin asks.
"""
