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
        self.raw = []  # (envelope recipients, bytes), in arrival order
        self.refuse = {}  # address -> (code, text), or a callable returning it or None
        self.arrived = threading.Condition()

    @property
    def messages(self):
        """The accepted messages parsed (email.message.EmailMessage), in arrival order; parsed
        on demand, so a benchmark's server spends its time receiving, not parsing."""
        return _Parsed(self.raw)

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
        with self.arrived:
            self.raw.append((list(envelope.rcpt_tos), envelope.original_content))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def recipients(self):
        return [rcpt.lower() for rcpts, _ in self.raw for rcpt in rcpts]


class _Parsed:
    """A list-like view of the collector's messages (``len``, index, iteration, ``clear``)."""

    def __init__(self, raw):
        self._raw = raw

    def __len__(self):
        return len(self._raw)

    def __getitem__(self, index):
        return _parse(self._raw[index][1])

    def __iter__(self):
        return (_parse(content) for _, content in self._raw)

    def __eq__(self, other):
        return list(self) == list(other)

    def clear(self):
        self._raw.clear()


def _parse(content):
    return email.message_from_bytes(content, policy=email.policy.default)


def start_server():
    """(controller, collector); stop with ``controller.stop()``."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, collector
