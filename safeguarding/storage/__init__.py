"""Where conversations and locks are kept, and for how long."""
