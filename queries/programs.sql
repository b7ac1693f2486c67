-- name: programs
-- platforms: windows
-- yields: software (windows-program)
-- Newer columns (package_family_name, upgrade_code) are left out on purpose:
-- naming one would make the whole query fail on older osquery agents.
SELECT name, version, publisher, install_location, identifying_number
FROM programs
WHERE name != '';
