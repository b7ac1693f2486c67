-- name: scheduled_tasks
-- platforms: windows
-- yields: triage: Task Scheduler tasks that are enabled, hidden ones included
-- limit: 500
SELECT name, action, path, state, hidden, last_run_time, next_run_time
FROM scheduled_tasks
WHERE enabled = 1
ORDER BY path;
