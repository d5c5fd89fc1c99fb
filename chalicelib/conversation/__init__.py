"""The conversation engine: a pure function of (session, incoming message) -> turn."""
