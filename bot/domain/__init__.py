"""The mentorship programme itself: who may do what, and the actions that change its records.

Nothing here knows Telegram: handlers and scheduler jobs call these functions with the
repositories of one transaction (storage/), and render the outcome themselves.
"""
