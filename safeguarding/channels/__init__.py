"""How messages reach the assistant: the REST channel."""
