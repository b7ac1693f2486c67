-- name: interface_addresses_windows
-- platforms: windows
-- yields: addresses
-- interval: 1800
-- Twice as often as the rest when osqueryd schedules it: a laptop changes
-- networks, and the botnet list is matched on address history.
-- On Windows `interface` is the adapter index ("12"); people know the
-- friendly name ("Ethernet"), a Windows-only column.
SELECT COALESCE(NULLIF(a.friendly_name, ''), a.interface) AS interface,
       a.address, a.mask, d.mac
FROM interface_addresses AS a
LEFT JOIN interface_details AS d ON d.interface = a.interface;
