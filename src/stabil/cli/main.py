"""The `stabil` command: one entry point with a sub-command per domain."""

from __future__ import annotations

import typer

from stabil import __version__
from stabil.cli import (
    accounts,
    assets,
    clock,
    database,
    declaration,
    demo,
    majors,
    meeting,
    prober,
    public,
    report,
    serve,
    service,
    status,
    watch,
    window,
    worker,
)
from stabil.cli.common import follow_terminal_width

app = typer.Typer(
    name="stabil",
    help="Stabil keeps the promises of a public digital service's service declaration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(declaration.app, name="declaration")
app.add_typer(clock.app, name="clock")
app.add_typer(window.app, name="window")
app.add_typer(database.app, name="db")
app.add_typer(service.app, name="service")
app.add_typer(assets.app, name="assets")
app.add_typer(accounts.organisation_app, name="organisation")
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.token_app, name="token")
app.add_typer(majors.app, name="majors")
app.add_typer(meeting.app, name="meeting")
app.add_typer(status.subscriber_app, name="subscriber")
app.add_typer(status.webhook_app, name="webhook")
app.add_typer(watch.monitor_app, name="monitor")
app.add_typer(public.status_app, name="status")
app.add_typer(watch.outage_app, name="outage")
app.add_typer(report.app, name="report")
app.command(name="uptime")(watch.uptime)
app.command(name="serve")(serve.serve)
app.command(name="worker")(worker.worker)
app.command(name="watch")(prober.watch)
app.command(name="demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stabil {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Stabil keeps the promises of a public digital service's service declaration."""
    follow_terminal_width()
