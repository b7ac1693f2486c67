-- name: systemd_units
-- platforms: linux
-- yields: triage: systemd units enabled to start, with their unit files
-- limit: 500
SELECT id, description, active_state, sub_state, unit_file_state, fragment_path, user
FROM systemd_units
WHERE unit_file_state IN ('enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'generated')
ORDER BY id;
