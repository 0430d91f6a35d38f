"""The scaled-out assistant: the cluster of replicas, PostgreSQL, Redis and nginx, and its configuration."""
