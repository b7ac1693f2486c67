-- name: patches
-- platforms: windows
-- yields: patches
SELECT hotfix_id, installed_on, description
FROM patches;
