"""SMTP with the standard library: MAIL_URL, the MIME message, one connection per batch."""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    tls: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://…?starttls=1: upgrade before signing in
    user: str = ""
    password: str = ""


def parse_mail_url(url: str | None) -> MailServer | None:
    """Return the server MAIL_URL names (smtp://[user:pass@]host:port[?starttls=1], smtps://…), or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("MAIL_URL: use smtp://[user:pass@]host:port[?starttls=1] or smtps://host:port.")
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    return MailServer(
        parts.hostname,
        parts.port or DEFAULT_PORTS[parts.scheme],
        parts.scheme == "smtps",
        starttls,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
    )


def build_message(row, mail_from: str, now: datetime) -> EmailMessage:
    """Return the MIME message for an outbox row: text with an HTML alternative, proper headers."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = Address(display_name=row.to_name or "", addr_spec=row.to_address)
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = row.message_id
    # Invites and call changes are transactional: no List-Unsubscribe, no bulk precedence.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text)
    if row.html:
        message.add_alternative(row.html, subtype="html")
    return message


def envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1]


def connect(server: MailServer, timeout: float) -> smtplib.SMTP:
    """Open, secure and sign in to the SMTP server; the caller sends a batch over it and quits."""
    context = ssl.create_default_context()
    if server.tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        smtp.ehlo()
        if server.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if server.user:
            smtp.login(server.user, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp
