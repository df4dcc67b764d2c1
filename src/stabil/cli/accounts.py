"""`stabil organisation`, `stabil user` and `stabil token`: who may use Stabil, and how."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from stabil.accounts.models import User
from stabil.accounts.roles import OrganisationKind, Role
from stabil.accounts.service import (
    DEFAULT_ADMIN_EMAIL,
    add_organisation,
    add_user,
    create_token,
    deactivate_user,
    ensure_admin,
    find_token,
    find_user,
    first_admin,
    list_organisations,
    list_tokens,
    list_users,
    new_password,
    revoke_token,
)
from stabil.accounts.validation import AccountInvalid
from stabil.cli.common import fail, identifier, out
from stabil.db.engine import unit_of_work

organisation_app = typer.Typer(help="Organisations users act for.", no_args_is_help=True)
user_app = typer.Typer(help="Users, their roles and passwords.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for the REST API.", no_args_is_help=True)

IN_UTC = "times in UTC"
EmailOption = Annotated[str, typer.Option("--email", help="The user's email address.")]


@contextmanager
def accounts_unit() -> Iterator[Session]:
    """A unit of work in which bad input ends the command with its message; nothing is saved."""
    try:
        with unit_of_work() as session:
            yield session
    except AccountInvalid as error:
        fail(str(error))


def existing_user(session: Session, email: str) -> User:
    user = find_user(session, email)
    if user is None:
        fail(f"no user has email {email!r} (see `stabil user list`)")
    return user


def when(instant: dt.datetime | None) -> str:
    return "-" if instant is None else f"{instant:%Y-%m-%d %H:%M}"


@organisation_app.command("add")
def organisation_add(
    key: Annotated[str, typer.Option(help="Short lower-case key, e.g. supplier-a.")],
    name: Annotated[str, typer.Option(help="The organisation's name.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(OrganisationKind)}.")],
) -> None:
    """Add an organisation that suppliers or authorities can act for."""
    with accounts_unit() as session:
        organisation = add_organisation(session, key, name, kind)
    out.print(f"added organisation {organisation.key} ({organisation.kind})", markup=False)


@organisation_app.command("list")
def organisation_list() -> None:
    """List the organisations."""
    table = Table(identifier("key"), "name", "kind")
    with unit_of_work() as session:
        for organisation in list_organisations(session):
            table.add_row(organisation.key, organisation.name, organisation.kind.value)
    out.print(table)


@user_app.command("add")
def user_add(
    email: EmailOption,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(Role)}.")],
    organisation: Annotated[
        str | None,
        typer.Option(help="Key of the organisation the user acts for (suppliers, authorities)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a user. Without --password-stdin a password is generated and shown once."""
    try:
        password = new_password(read_password() if password_stdin else None)
    except AccountInvalid as error:
        fail(str(error))
    with accounts_unit() as session:
        user, generated = add_user(session, email, role, organisation, name, password)
    where = f", {user.organisation.key}" if user.organisation else ""
    out.print(f"added user {user.email} ({user.role}{where})", markup=False)
    if generated is not None:
        out.print(f"password (shown only now): {generated}", markup=False)


def read_password() -> str:
    line = typer.get_text_stream("stdin").readline()
    # Only the line break goes: spaces may be part of the password.
    password = line.rstrip("\r\n")
    if not password:
        fail("--password-stdin was given, but standard input held no password")
    return password


@user_app.command("list")
def user_list() -> None:
    """List the users with their roles and organisations."""
    table = Table(
        identifier("email"), "name", "role", "organisation", "active", "created", caption=IN_UTC
    )
    with unit_of_work() as session:
        for user in list_users(session):
            table.add_row(
                user.email,
                user.display_name or "",
                user.role.value,
                user.organisation.key if user.organisation else "",
                "yes" if user.active else "no",
                when(user.created_at),
            )
    out.print(table)


@user_app.command("deactivate")
def user_deactivate(email: EmailOption) -> None:
    """Stop a user from signing in; the user's API tokens stop working too."""
    with accounts_unit() as session:
        user = existing_user(session, email)
        changed = deactivate_user(session, user)
    out.print(f"{user.email}: {'deactivated' if changed else 'was inactive already'}", markup=False)


@user_app.command("init-admin")
def user_init_admin(
    email: Annotated[
        str, typer.Option("--email", help="The first admin's email address.")
    ] = DEFAULT_ADMIN_EMAIL,
) -> None:
    """Create the first admin, unless an admin exists, and show its credentials once.

    Safe to run on every start: when any admin exists it says so and changes nothing.
    """
    with unit_of_work(writes=False) as session:
        admin = first_admin(session)
    credentials = None
    if admin is None:
        password = new_password()  # hashed before the transaction, which then is short
        with accounts_unit() as session:
            credentials = ensure_admin(session, email, password)
            admin = first_admin(session)
    if credentials is None:
        assert admin is not None
        out.print(f"an admin exists already ({admin.email}); nothing changed", markup=False)
        return
    out.print("created the first admin; save these now, they are shown only this once:")
    out.print(f"  email:     {credentials.email}", markup=False)
    out.print(f"  password:  {credentials.password}", markup=False)
    out.print(f"  API token: {credentials.token}", markup=False)


@token_app.command("create")
def token_create(
    email: EmailOption,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
) -> None:
    """Create an API token for a user and print it (only the token, on one line).

    The token is shown only now; Stabil keeps just its hash.
    """
    with accounts_unit() as session:
        user = existing_user(session, email)
        if not user.active:
            fail(f"{user.email} is inactive; its tokens would not work")
        _token, plaintext = create_token(session, user, name)
    out.print(plaintext, markup=False)


@token_app.command("list")
def token_list(
    email: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
) -> None:
    """List API tokens (never the tokens themselves): owner, name, use, revocation."""
    table = Table(
        identifier("id"),
        identifier("user"),
        "name",
        "created",
        "last used",
        "revoked",
        caption=IN_UTC,
    )
    with unit_of_work() as session:
        user = existing_user(session, email) if email is not None else None
        for token in list_tokens(session, user):
            table.add_row(
                str(token.id),
                token.user.email,
                token.name,
                when(token.created_at),
                when(token.last_used_at),
                when(token.revoked_at),
            )
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see `stabil token list`).")],
) -> None:
    """Revoke an API token: requests carrying it are refused from now on."""
    with accounts_unit() as session:
        token = find_token(session, token_id)
        if token is None:
            fail(f"no API token has id {token_id} (see `stabil token list`)")
        label = f"token {token.id} ({token.name}, {token.user.email})"
        changed = revoke_token(session, token)
    out.print(f"{label}: {'revoked' if changed else 'was revoked already'}", markup=False)
