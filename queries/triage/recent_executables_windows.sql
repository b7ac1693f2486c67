-- name: recent_executables_windows
-- platforms: windows
-- yields: triage: programs and scripts changed in the last 14 days in Temp, Downloads, AppData and Public
-- limit: 500
-- NOTE: LIKE with % matches one folder level, %% recurses (osquery's file table).
SELECT path, size, datetime(mtime, 'unixepoch') AS modified, attributes, file_version, original_filename
FROM file
WHERE (path LIKE 'C:\Users\%\AppData\Local\Temp\%%' OR path LIKE 'C:\Users\%\AppData\Roaming\%%'
       OR path LIKE 'C:\Users\%\Downloads\%' OR path LIKE 'C:\Users\Public\%%'
       OR path LIKE 'C:\Windows\Temp\%%' OR path LIKE 'C:\ProgramData\%')
  AND type = 'regular'
  AND mtime >= CAST(strftime('%s', 'now') AS INTEGER) - 14 * 86400
  AND (lower(filename) LIKE '%.exe' OR lower(filename) LIKE '%.dll' OR lower(filename) LIKE '%.scr'
       OR lower(filename) LIKE '%.ps1' OR lower(filename) LIKE '%.bat' OR lower(filename) LIKE '%.cmd'
       OR lower(filename) LIKE '%.vbs' OR lower(filename) LIKE '%.js' OR lower(filename) LIKE '%.hta'
       OR lower(filename) LIKE '%.lnk')
ORDER BY mtime DESC;
