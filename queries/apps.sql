-- name: apps
-- platforms: darwin
-- yields: software (macos-app)
SELECT name, path, bundle_identifier, bundle_short_version, bundle_version
FROM apps;
