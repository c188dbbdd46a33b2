"""E-mail backends for tests: the in-memory outbox, with addresses that bounce."""

import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Addresses refused on the first N attempts (0: always); the count of attempts per address.
FLAKY: dict[str, int] = {}
ATTEMPTS: dict[str, int] = {}
ATTEMPTED_AT: dict[str, list[float]] = {}


class BouncingBackend(LocmemBackend):
    """Refuses mail to addresses containing "bounce" (always) or listed in FLAKY (the first N times)."""

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                ATTEMPTS[address] = ATTEMPTS.get(address, 0) + 1
                ATTEMPTED_AT.setdefault(address, []).append(time.monotonic())
                fails = "bounce" in address or ATTEMPTS[address] <= FLAKY.get(address, 0)
                if fails:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")})
        return super().send_messages(messages)
