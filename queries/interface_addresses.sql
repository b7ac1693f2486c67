-- name: interface_addresses
-- platforms: linux, darwin
-- yields: addresses
-- interval: 1800
-- Twice as often as the rest when osqueryd schedules it: a laptop changes
-- networks, and the botnet list is matched on address history.
SELECT a.interface, a.address, a.mask, d.mac
FROM interface_addresses AS a
LEFT JOIN interface_details AS d ON d.interface = a.interface;
