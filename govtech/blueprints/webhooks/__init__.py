"""Webhook pages: an organisation's administrator's, and the programme office's (issue 14)."""
