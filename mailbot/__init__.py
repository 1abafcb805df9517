"""mailbot: a complaint-handling mailbox daemon for Dutch organisations."""

__version__ = "0.1.0"
