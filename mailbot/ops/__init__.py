"""Running mailbot: its services built in one place (wiring.py)."""
