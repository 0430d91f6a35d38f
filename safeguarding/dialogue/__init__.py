"""What the assistant does next: the escalation policy for danger and confront."""
