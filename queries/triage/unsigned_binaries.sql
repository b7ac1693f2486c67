-- name: unsigned_binaries
-- platforms: windows
-- yields: triage: running programs whose Authenticode signature is missing or not trusted
-- limit: 500
-- The join gives authenticode the path constraint it requires.
SELECT p.pid, p.name, p.path, p.cmdline, a.result, a.subject_name, a.issuer_name
FROM processes AS p
JOIN authenticode AS a ON a.path = p.path
WHERE p.path != '' AND a.result != 'trusted'
ORDER BY p.path;
