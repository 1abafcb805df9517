"""A stand-in OAuth2 identity provider on loopback, for the tests: Entra ID's and Google's endpoints, and introspection.

Just enough of each protocol for msal, mailbot's Google client, Dovecot's oauth2 passdb and the SMTP sink:
the OpenID configuration, device codes, the token endpoint (client credentials, device code, refresh token,
authorization code with PKCE), Google's consent page (which agrees at once and redirects, as a user would)
and RFC 7662 introspection (that side is oauth_endpoints.py). It listens over HTTPS, with a
certificate made here (``ca_file``: msal takes nothing else), and over plain HTTP for Dovecot and Google.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from oauth_endpoints import OAuthEndpoints, form_of

from mailbot.testing.servers import LOOPBACK


class FakeIdentityProvider(OAuthEndpoints):
    """The endpoints on two free loopback ports, HTTPS and HTTP; see the module docstring."""

    def __init__(self, workdir: Path, **options: Any) -> None:
        super().__init__(**options)
        self.workdir = Path(workdir)
        self.ca_file = self.workdir / "idp-cert.pem"
        self._servers: list[ThreadingHTTPServer] = []

    @property
    def authority(self) -> str:
        """MAILBOT_OAUTH_AUTHORITY for msal."""
        return f"{self.https_url}/{self.tenant}"

    @property
    def google_token_url(self) -> str:
        """MAILBOT_OAUTH_TOKEN_URL."""
        return f"{self.http_url}/google/token"

    @property
    def google_auth_url(self) -> str:
        """MAILBOT_OAUTH_AUTH_URL."""
        return f"{self.http_url}/google/auth"

    @property
    def introspection_url(self) -> str:
        """For Dovecot(oauth2_introspection_url=...)."""
        return f"{self.http_url}/introspect"

    def start(self) -> None:
        """Listen on two free loopback ports: HTTPS and HTTP."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        key_file = _self_signed(self.ca_file, self.workdir / "idp-key.pem")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        secure = ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        plain = ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        self.https_url = f"https://{LOOPBACK}:{secure.server_address[1]}"
        self.http_url = f"http://{LOOPBACK}:{plain.server_address[1]}"
        for server in (secure, plain):
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)

    def stop(self) -> None:
        """Stop both listeners; safe to call twice."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                self._send(*provider.answer("GET", parts.path, form_of(parts.query)))

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                self._send(*provider.answer("POST", urlsplit(self.path).path, form_of(body)))

            def _send(self, status: int, doc: dict[str, Any] | str) -> None:
                if isinstance(doc, str):  # a redirect
                    self.send_response(status)
                    self.send_header("Location", doc)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def _self_signed(cert_file: Path, key_file: Path) -> Path:
    """A certificate for 127.0.0.1 that is its own authority; returns the key's path."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailbot test identity provider")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK)), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return key_file
