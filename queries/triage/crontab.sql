-- name: crontab
-- platforms: linux, darwin
-- yields: triage: cron jobs of the system and of every user
-- limit: 500
SELECT event, minute, hour, day_of_month, month, day_of_week, command, path
FROM crontab
ORDER BY path;
