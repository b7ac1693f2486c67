-- name: listening_ports
-- platforms: all
-- yields: triage: ports open for connections, with the process behind each
-- limit: 500
-- port 0 rows are unbound sockets; UNIX domain sockets have a path, no port.
SELECT lp.pid, p.name, p.path, lp.address, lp.port, lp.protocol, lp.family
FROM listening_ports AS lp
LEFT JOIN processes AS p ON p.pid = lp.pid
WHERE lp.port != 0
ORDER BY lp.port, lp.address;
