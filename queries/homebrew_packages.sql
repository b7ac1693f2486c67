-- name: homebrew_packages
-- platforms: darwin
-- yields: software (homebrew)
SELECT name, version, path
FROM homebrew_packages;
