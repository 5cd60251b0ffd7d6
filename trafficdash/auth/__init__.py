"""Sign-in, Meta connections, token encryption, API tokens and access rules."""
