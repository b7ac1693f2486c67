-- name: rpm_packages
-- platforms: linux
-- yields: software (rpm)
-- gpg-pubkey "packages" are imported signing keys, not software.
SELECT name, version, release, epoch, arch, source, vendor
FROM rpm_packages
WHERE name != 'gpg-pubkey';
