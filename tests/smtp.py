"""A real SMTP server on loopback (aiosmtpd), collecting what it accepts; optionally
answering some recipients with a temporary (451) or permanent (550) refusal."""

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, in arrival order
        self.refuse = {}  # address -> (code, text), or a callable returning it or None
        self.arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        answer = self.refuse.get(address.lower())
        if callable(answer):
            answer = answer()
        if answer:
            code, text = answer
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def recipients(self):
        return [str(m["To"]).lower() for m in self.messages]


def start_server():
    """(controller, collector); stop with ``controller.stop()``."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, collector
