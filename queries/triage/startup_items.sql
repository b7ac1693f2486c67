-- name: startup_items
-- platforms: all
-- yields: triage: programs started at boot or login (Run keys, Startup folders, launchd, autostart)
-- limit: 500
SELECT name, path, args, type, source, status, username
FROM startup_items
ORDER BY source, name;
