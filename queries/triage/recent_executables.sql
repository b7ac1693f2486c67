-- name: recent_executables
-- platforms: linux, darwin
-- yields: triage: executable files changed in the last 14 days in temporary and user folders
-- limit: 500
-- NOTE: osquery's file table needs a path or directory constraint; LIKE with
-- % matches one level, %% recurses (https://osquery.readthedocs.io/en/stable/deployment/file-integrity-monitoring/).
-- An executable has an x bit in one of the last three octal digits of mode.
SELECT path, size, uid, mode, datetime(mtime, 'unixepoch') AS modified, type
FROM file
WHERE (path LIKE '/tmp/%%' OR path LIKE '/var/tmp/%%' OR path LIKE '/dev/shm/%%'
       OR path LIKE '/home/%/.local/bin/%' OR path LIKE '/home/%/Downloads/%'
       OR path LIKE '/Users/%/Downloads/%' OR path LIKE '/Users/Shared/%%')
  AND type = 'regular'
  AND mtime >= CAST(strftime('%s', 'now') AS INTEGER) - 14 * 86400
  AND (substr(mode, -1, 1) IN ('1', '3', '5', '7') OR substr(mode, -2, 1) IN ('1', '3', '5', '7')
       OR substr(mode, -3, 1) IN ('1', '3', '5', '7'))
ORDER BY mtime DESC;
