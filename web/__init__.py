"""The web pages: the chat widget, the templates, the staff page, and their builder (pages.py)."""
