"""Intake: each new message from the mailbox through the pipeline, threaded onto its case or a new one."""
