"""Real mail servers on loopback for `mailbot demo`, the tests and the bench; needs the `demo` extra (aiosmtpd)."""
