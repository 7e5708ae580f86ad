"""Section `pii` and the PII kinds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from transforms.core import Section

__all__ = ["CARD", "EMAIL", "IP", "KINDS", "PHONE", "PLACEHOLDERS", "STAGE", "PiiConfig"]

STAGE = "pii"
EMAIL, PHONE, IP, CARD = "email", "phone", "ip", "card"
KINDS = (EMAIL, PHONE, IP, CARD)
PLACEHOLDERS = {EMAIL: "<EMAIL>", PHONE: "<PHONE>", IP: "<IP>", CARD: "<CARD>"}


class PiiConfig(Section):
    """Section `pii`: personal data masked in the text that is written (after every other stage)."""

    enabled: bool = Field(
        True,
        description="Mask e-mail addresses, public IP addresses, phone numbers and payment card numbers in the "
        "kept text (the text written to data/), and count them per document (`pii_counts`).",
    )
    replacement: Literal["placeholder", "fake"] = Field(
        "placeholder",
        description="'placeholder': <EMAIL>, <PHONE>, <IP>, <CARD>; 'fake': stable documentation values of the "
        "same kind (userN@example.com, 192.0.2.0/24 and 2001:db8::/32 addresses, Ofcom's fictional "
        "+44 20 7946 0xxx numbers, test card numbers), the same value for the same input.",
    )
    email: bool = Field(True, description="Mask e-mail addresses.")
    ip: bool = Field(
        True,
        description="Mask public IPv4 and IPv6 addresses (`ipaddress` is_global: private, loopback, link-local, "
        "documentation and reserved ranges stay).",
    )
    phone: bool = Field(
        True,
        description="Mask phone numbers validated by Google's libphonenumber (`phonenumbers`): international "
        "formats (+CC, 00CC) anywhere; national formats with the regions of the URL's country TLD and of the "
        "document's language. A bare digit run is never a phone number.",
    )
    card: bool = Field(
        True, description="Mask payment card numbers (issuer prefix, length and Luhn checksum, card-like grouping)."
    )

    def kinds(self) -> tuple[str, ...]:
        """The kinds turned on, in `KINDS` order (none when disabled)."""
        if not self.enabled:
            return ()
        on = {EMAIL: self.email, PHONE: self.phone, IP: self.ip, CARD: self.card}
        return tuple(k for k in KINDS if on[k])
