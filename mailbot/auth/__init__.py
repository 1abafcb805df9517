"""OAuth2 sign-in for IMAP and SMTP: access tokens (tokens), the providers (microsoft, google), `mailbot login`."""
