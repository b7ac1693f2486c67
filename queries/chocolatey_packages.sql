-- name: chocolatey_packages
-- platforms: windows
-- yields: software (chocolatey)
SELECT name, version, author, path
FROM chocolatey_packages;
