"""Shared logic of the safeguarding assistant: content loading, text folding, matching."""
