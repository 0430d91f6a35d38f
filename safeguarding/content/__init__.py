"""Loading and validating the content files in content/: what the assistant says."""
