"""Database URLs with a password that must never be shown: mistyped, unreachable, or with the secret in odd
places (the CLI and the web pages' secret tests)."""
from __future__ import annotations

import socket

SECRET = "s3cretpw"   # no Markdown-special character: md_escape would hide it from a plain search


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BAD_URLS = {
    "missing colon after the scheme": f"postgresql+psycopg//user:{SECRET}@host/db",
    "unreachable host": f"postgresql://user:{SECRET}@127.0.0.1:{closed_port()}/db?connect_timeout=2",
    "bad port": f"postgresql://user:{SECRET}@db.internal:notaport/db",
    "password and a query string": f"postgresql://user:{SECRET}@127.0.0.1:{closed_port()}/db"
                                   f"?connect_timeout=2&sslmode=bogus&application_name=x",
    "no host, password read as a port": f"postgresql://user:{SECRET}",
    "password in the query string": f"postgresql://user@127.0.0.1:{closed_port()}/db?connect_timeout=2"
                                    f"&password={SECRET}",
}
