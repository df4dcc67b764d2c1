"""`stabil subscriber` and `stabil webhook`: who is told of operational messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from stabil.cli.common import fail, identifier, out
from stabil.db.engine import unit_of_work
from stabil.errors import Refusal
from stabil.subscriptions import service as subscriptions
from stabil.subscriptions.service import WebhookEvent

subscriber_app = typer.Typer(
    help="Addresses e-mailed every operational message of a service.", no_args_is_help=True
)
webhook_app = typer.Typer(
    help="URLs that receive operational messages as signed JSON.", no_args_is_help=True
)

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database
ServiceOption = Annotated[str, typer.Option("--service", help="The service's key, e.g. borger-dk.")]
ServiceFilter = Annotated[str | None, typer.Option("--service", help="Only this service's.")]


@contextmanager
def status_unit() -> Iterator[Session]:
    """A unit of work in which a refusal ends the command with its message; nothing is saved."""
    try:
        with unit_of_work() as session:
            yield session
    except Refusal as error:
        fail(str(error))


@subscriber_app.command("add")
def subscriber_add(
    service: ServiceOption,
    email: Annotated[str, typer.Option("--email", help="The address to e-mail.")],
) -> None:
    """Subscribe an address to a service's operational messages (confirmed at once)."""
    with status_unit() as session:
        subscriber = subscriptions.add_subscriber(session, service, email)
        session.flush()
        label = f"subscribed {subscriber.email} to {service} (id {subscriber.id})"
    out.print(label, markup=False)


@subscriber_app.command("list")
def subscriber_list(service: ServiceFilter = None) -> None:
    """List the subscribers."""
    table = Table(identifier("id"), "service", identifier("email"), "confirmed", "created")
    with status_unit() as session:
        for item in subscriptions.list_subscribers(session, service):
            table.add_row(
                str(item.id),
                item.service.key,
                item.email,
                "yes" if item.confirmed else "no",
                f"{item.created_at:%Y-%m-%d %H:%M}",
            )
    out.print(table)


@subscriber_app.command("remove")
def subscriber_remove(
    subscriber_id: Annotated[
        int, typer.Argument(min=1, max=MAX_ID, help="The id (see `stabil subscriber list`).")
    ],
) -> None:
    """Remove a subscriber; the address is deleted."""
    with status_unit() as session:
        subscriber = subscriptions.remove_subscriber(session, subscriber_id)
        label = f"removed {subscriber.email} from {subscriber.service.key}"
    out.print(label, markup=False)


@webhook_app.command("add")
def webhook_add(
    service: ServiceOption,
    url: Annotated[str, typer.Option("--url", help="An http:// or https:// address.")],
    event: Annotated[
        list[WebhookEvent] | None,
        typer.Option("--event", help="An event to send; repeat for more. Default: every event."),
    ] = None,
    secret_stdin: Annotated[
        bool, typer.Option("--secret-stdin", help="Read the signing secret from standard input.")
    ] = False,
) -> None:
    """Register a webhook. Without --secret-stdin a secret is generated and shown once."""
    given = _read_secret() if secret_stdin else None
    with status_unit() as session:
        hook, secret = subscriptions.add_webhook(session, service, url, events=event, secret=given)
        label = f"added webhook {hook.id} for {service}: {hook.url} ({', '.join(hook.events)})"
    out.print(label, markup=False)
    if given is None:
        out.print(f"secret (shown only now): {secret}", markup=False)


def _read_secret() -> str:
    secret = typer.get_text_stream("stdin").readline().strip()
    if not secret:
        fail("--secret-stdin was given, but standard input held no secret")
    return secret


@webhook_app.command("list")
def webhook_list(service: ServiceFilter = None) -> None:
    """List the webhooks (never their secrets)."""
    table = Table(identifier("id"), "service", identifier("url"), "events", "created")
    with status_unit() as session:
        for hook in subscriptions.list_webhooks(session, service):
            table.add_row(
                str(hook.id),
                hook.service.key,
                hook.url,
                ", ".join(hook.events),
                f"{hook.created_at:%Y-%m-%d %H:%M}",
            )
    out.print(table)


@webhook_app.command("remove")
def webhook_remove(
    webhook_id: Annotated[
        int, typer.Argument(min=1, max=MAX_ID, help="The id (see `stabil webhook list`).")
    ],
) -> None:
    """Remove a webhook: nothing more is sent to it."""
    with status_unit() as session:
        hook = subscriptions.remove_webhook(session, webhook_id)
        label = f"removed webhook {hook.id} ({hook.url})"
    out.print(label, markup=False)
