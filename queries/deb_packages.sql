-- name: deb_packages
-- platforms: linux
-- yields: software (deb)
-- Installed means the package's files are on disk: the third word of dpkg's
-- status ("want flag status"). "deinstall ok config-files" (removed, config
-- kept) and "... not-installed" are not installed software.
SELECT name, version, source, arch
FROM deb_packages
WHERE status LIKE '% installed'
   OR status LIKE '% triggers-pending'
   OR status LIKE '% triggers-awaited'
   OR status LIKE '% half-configured'
   OR status LIKE '% unpacked';
