-- name: services
-- platforms: windows
-- yields: triage: services started automatically, with their executables
-- limit: 500
-- NOTE: module_path is the ServiceDll of svchost-hosted services: where a
-- malicious DLL hides behind a legitimate svchost.exe path.
SELECT name, display_name, status, start_type, path, module_path, user_account
FROM services
WHERE start_type IN ('AUTO_START', 'BOOT_START', 'SYSTEM_START')
ORDER BY name;
