"""Test doubles of the AI's outside services, kept apart from the code that serves users.
Used by the tests and by `ai_bench`; nothing in a web request imports them."""
