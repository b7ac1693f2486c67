-- name: os_version
-- platforms: all
-- yields: os
-- required: yes
-- Only the columns every platform has: this query runs before we know the
-- platform. Windows' UBR (`revision`) is read by windows_build.
SELECT name, version, major, minor, patch, build, platform, platform_like,
       codename, arch
FROM os_version;
