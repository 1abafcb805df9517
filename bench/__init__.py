"""The mailbot benchmark: `./run bench` (bench/run.py)."""
