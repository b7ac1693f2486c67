-- name: windows_ubr
-- platforms: windows
-- yields: os.build UBR where os_version has no revision (osquery before 5.12)
-- The Update Build Revision as Windows keeps it: a REG_DWORD, which osquery
-- reads as its decimal number.
SELECT data AS ubr
FROM registry
WHERE key = 'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
  AND name = 'UBR';
