"""The scaled-out cluster (cluster.py, nginx.conf, endpoints.yml) and servers on this machine (servers.py)."""
