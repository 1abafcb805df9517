"""Mail in and out: the mailbox over IMAP, parsing and decoding a message, composing and sending over SMTP."""
