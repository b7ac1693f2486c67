-- name: kernel_info
-- platforms: all
-- yields: os.kernel_version
SELECT version
FROM kernel_info;
