-- name: osquery_info
-- platforms: all
-- yields: osquery version, build platform, fallback host uuid
-- required: yes
SELECT version, build_platform, build_distro, uuid
FROM osquery_info;
