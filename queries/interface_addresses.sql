-- name: interface_addresses
-- platforms: linux, darwin
-- yields: addresses
SELECT a.interface, a.address, a.mask, d.mac
FROM interface_addresses AS a
LEFT JOIN interface_details AS d ON d.interface = a.interface;
