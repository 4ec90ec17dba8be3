"""A mail server for the tests: aiosmtpd on a loopback port, in its own thread, that keeps
what it is sent; it can refuse every message, or hold each one (a server that hangs)."""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    def __init__(self, port: int = 0) -> None:
        """On `port`, else on a free one."""
        from aiosmtpd.controller import Controller

        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.mode = "ok"  # ok | refuse (550) | hold (no answer until released)
        self.released = threading.Event()
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope) -> str:
                if mailbox.mode == "refuse":
                    return "550 mailbox unavailable"
                if mailbox.mode == "hold":
                    await asyncio.get_running_loop().run_in_executor(None, mailbox.released.wait, 60)
                mailbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                mailbox.received.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
                return "250 OK"

        self.port = port or free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Down (stopping it again does nothing)."""
        self.released.set()
        if self.controller.loop.is_running():
            self.controller.stop()
