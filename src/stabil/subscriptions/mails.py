"""The two mails a sign-up may cause: the confirmation link, and for an address that already
subscribes, its manage link. Each in the language the visitor used, plain text.

Neither says more than the one who asked could learn: an address that already subscribes
gets its own manage link at that address, never at the page.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stabil.declaration import Declaration
from stabil.outbox.links import app_url


def confirm_url(token: str, language: str = "da") -> str:
    """The link names its language: even a page that refuses it speaks the visitor's."""
    query = "?lang=en" if language == "en" else ""
    return app_url(f"/status/subscriptions/confirm/{token}{query}")


def manage_url(secret: str) -> str:
    return app_url(f"/status/subscriptions/manage/{secret}")


def unsubscribe_url(secret: str) -> str:
    return app_url(f"/status/unsubscribe/{secret}")


def confirmation_mail(
    declaration: Declaration, address: str, token: str, expires: dt.datetime, language: str
) -> tuple[str, str]:
    """Subject and body of the mail that asks the address to confirm."""
    service = declaration.metadata.name.get(language)
    until = _local(expires, declaration.time.zone, language)
    link = confirm_url(token, language)
    if language == "en":
        return (
            f"Confirm your subscription to the operational status of {service}",
            f"Someone, hopefully you, asked for the operational messages of {service} to be "
            f"sent to {address}.\n\n"
            f"To confirm, open this link and press the button on the page:\n{link}\n\n"
            f"The link works until {until}.\n\n"
            "If you did not ask, do nothing: you will get no more mail from us, and the "
            "address is deleted when the link expires.\n",
        )
    return (
        f"Bekræft dit abonnement på driftsstatus for {service}",
        f"Nogen, forhåbentlig dig, har bedt om at få driftsmeddelelser for {service} sendt "
        f"til {address}.\n\n"
        f"Bekræft ved at åbne dette link og trykke på knappen på siden:\n{link}\n\n"
        f"Linket virker indtil {until}.\n\n"
        "Har du ikke bedt om det, skal du ikke gøre noget: Du får ikke flere mails fra os, "
        "og adressen slettes, når linket udløber.\n",
    )


def manage_mail(
    declaration: Declaration, address: str, secret: str, language: str
) -> tuple[str, str]:
    """Subject and body of the mail to an address that asked again, though it subscribes."""
    service = declaration.metadata.name.get(language)
    link = manage_url(secret)
    if language == "en":
        return (
            f"Your subscription to the operational status of {service}",
            f"Someone asked for the operational messages of {service} to be sent to "
            f"{address}, which already gets them.\n\n"
            f"To change which messages you get, or to unsubscribe, open:\n{link}\n\n"
            "If you did not ask, do nothing: your subscription stays as it was.\n",
        )
    return (
        f"Dit abonnement på driftsstatus for {service}",
        f"Nogen har bedt om at få driftsmeddelelser for {service} sendt til {address}, "
        "som allerede får dem.\n\n"
        f"Vil du ændre, hvilke meddelelser du får, eller afmelde dig, så åbn:\n{link}\n\n"
        "Har du ikke bedt om det, skal du ikke gøre noget: Dit abonnement fortsætter som før.\n",
    )


def _local(instant: dt.datetime, zone: ZoneInfo, language: str) -> str:
    # The reader's wall clock: the zone's rules give the right offset on DST days.
    local = instant.astimezone(zone)
    if language == "en":
        return f"{local:%d %B %Y, %H:%M} ({zone.key})"
    return f"{local:%d.%m.%Y} kl. {local:%H:%M}"
