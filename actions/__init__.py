"""Custom actions of the safeguarding assistant (run by the rasa-sdk action server)."""
