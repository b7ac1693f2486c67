-- name: remote_connections
-- platforms: all
-- yields: triage: processes with sockets open to remote addresses
-- limit: 500
-- Loopback and unspecified remote addresses are this machine talking to
-- itself or not connected at all; UNIX domain sockets have no remote address.
SELECT s.pid, p.name, p.path, p.cmdline, s.local_address, s.local_port,
       s.remote_address, s.remote_port, s.protocol, s.state
FROM process_open_sockets AS s
LEFT JOIN processes AS p ON p.pid = s.pid
WHERE s.remote_address NOT IN ('', '0.0.0.0', '::', '::1')
  AND s.remote_address NOT LIKE '127.%'
  AND s.remote_address NOT LIKE '::ffff:127.%'
ORDER BY s.remote_address, s.remote_port;
