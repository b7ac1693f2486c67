-- name: windows_build
-- platforms: windows
-- yields: os.build (10.0.BUILD.UBR)
-- NOTE: `revision` (the Update Build Revision) exists only since osquery 5.12;
-- on older agents this query fails and the build is reported without UBR.
SELECT major, minor, build, revision
FROM os_version;
