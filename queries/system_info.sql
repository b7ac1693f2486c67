-- name: system_info
-- platforms: all
-- yields: host
-- required: yes
SELECT uuid, hostname, computer_name, hardware_vendor, hardware_model,
       hardware_serial, cpu_brand, physical_memory
FROM system_info;
