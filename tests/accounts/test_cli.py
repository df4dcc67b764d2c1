"""`stabil organisation`, `user` and `token`, in-process against a fresh SQLite database."""

from __future__ import annotations

import pytest
from click.testing import Result
from sqlalchemy import func, select

from stabil.accounts.models import ApiToken, Organisation, User
from stabil.accounts.service import authenticate_token
from stabil.db.engine import unit_of_work
from tests.accounts.signin import signs_in
from tests.conftest import Stabil


@pytest.fixture
def organisations(stabil: Stabil) -> None:
    for key, name, kind in [
        ("digst", "Digitaliseringsstyrelsen", "agency"),
        ("supplier-a", "Supplier A", "supplier"),
        ("aarhus", "Aarhus Kommune", "authority"),
    ]:
        result = stabil("organisation", "add", "--key", key, "--name", name, "--kind", kind)
        assert result.stdout == f"added organisation {key} ({kind})\n"


def count(model: type[User | Organisation | ApiToken]) -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def refused(result: Result, message: str) -> None:
    """Exit status 2, one line on stderr, nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == f"error: {message}\n"


def test_init_admin_shows_working_credentials_once(stabil: Stabil) -> None:
    result = stabil("user", "init-admin")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "created the first admin; save these now, they are shown only this once:"
    fields = dict(line.strip().split(": ", 1) for line in lines[1:])
    assert fields["email"].strip() == "admin@localhost"
    password, token = fields["password"].strip(), fields["API token"].strip()
    with unit_of_work() as session:
        admin = signs_in(session, "admin@localhost", password)
        assert admin is not None
        assert admin.role == "admin"
        assert authenticate_token(session, token) is admin
    again = stabil("user", "init-admin")
    assert again.exit_code == 0
    assert again.stdout == "an admin exists already (admin@localhost); nothing changed\n"
    assert password not in again.stdout
    assert (count(User), count(ApiToken)) == (1, 1)


def test_init_admin_takes_another_email_and_keeps_any_admin(stabil: Stabil) -> None:
    assert stabil("user", "add", "--email", "boss@digst.example", "--role", "admin").exit_code == 0
    result = stabil("user", "init-admin", "--email", "root@digst.example")
    assert result.stdout == "an admin exists already (boss@digst.example); nothing changed\n"
    assert count(User) == 1


def test_init_admin_refuses_a_bad_email(stabil: Stabil) -> None:
    refused(
        stabil("user", "init-admin", "--email", "root"),
        "'root' is not a valid email address: An email address must have an @-sign.",
    )
    assert count(User) == 0


def test_organisations_are_listed(stabil: Stabil, organisations: None) -> None:
    result = stabil("organisation", "list")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines() if "│" in line]
    assert [row[1] for row in rows] == ["aarhus", "digst", "supplier-a"]


def test_bad_organisations_are_refused(stabil: Stabil, organisations: None) -> None:
    add = ("organisation", "add", "--name", "X")
    refused(
        stabil(*add, "--key", "x", "--kind", "vendor"),
        "unknown organisation kind 'vendor' (known: agency, supplier, authority)",
    )
    refused(
        stabil(*add, "--key", "digst", "--kind", "agency"),
        "an organisation with key 'digst' exists already",
    )
    assert count(Organisation) == 3


def test_user_add_shows_a_generated_password_once(stabil: Stabil, organisations: None) -> None:
    args = ["--email", "S@Supplier-A.example", "--role", "supplier", "--name", "Sam Supplier"]
    result = stabil("user", "add", *args, "--organisation", "supplier-a")
    assert result.exit_code == 0, result.output
    added, shown = result.stdout.splitlines()
    assert added == "added user s@supplier-a.example (supplier, supplier-a)"
    password = shown.removeprefix("password (shown only now): ")
    with unit_of_work() as session:
        user = signs_in(session, "s@supplier-a.example", password)
        assert user is not None
        assert user.display_name == "Sam Supplier"
    listed = stabil("user", "list").stdout
    assert "s@supplier-a.example" in listed
    assert "supplier-a" in listed
    assert password not in listed


def test_user_add_reads_the_password_from_stdin(stabil: Stabil, organisations: None) -> None:
    args = ["user", "add", "--email", "op@digst.example", "--role", "operator"]
    result = stabil(*args, "--password-stdin", stdin=" a passphrase with spaces \n")
    assert result.stdout == "added user op@digst.example (operator)\n"
    with unit_of_work() as session:
        assert signs_in(session, "op@digst.example", " a passphrase with spaces ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "x@digst.example", "--role", "boss"],
            "unknown role 'boss' (known: admin, operator, supplier, authority, viewer)",
        ),
        (
            ["--email", "x@digst", "--role", "viewer"],
            "'x@digst' is not a valid email address: The part after the @-sign is not valid. "
            "It should have a period.",
        ),
        (
            ["--email", "x@digst.example", "--role", "supplier", "--organisation", "supplier-z"],
            "no organisation has key 'supplier-z' (known: aarhus, digst, supplier-a)",
        ),
        (
            ["--email", "x@digst.example", "--role", "supplier"],
            "a user with role supplier needs an organisation",
        ),
        (
            ["--email", "First@DIGST.example", "--role", "viewer"],
            "a user with email first@digst.example exists already",
        ),
    ],
)
def test_bad_users_are_refused_and_nothing_is_written(
    stabil: Stabil, organisations: None, args: list[str], message: str
) -> None:
    assert (
        stabil("user", "add", "--email", "first@digst.example", "--role", "viewer").exit_code == 0
    )
    refused(stabil("user", "add", *args), message)
    assert count(User) == 1


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "--password-stdin was given, but standard input held no password"),
        ("short\n", "a password must have 12 to 1024 characters, got 5"),
    ],
)
def test_bad_passwords_are_refused(stabil: Stabil, stdin: str, message: str) -> None:
    args = ["user", "add", "--email", "v@digst.example", "--role", "viewer", "--password-stdin"]
    refused(stabil(*args, stdin=stdin), message)
    assert count(User) == 0


def test_token_create_prints_only_the_token(stabil: Stabil) -> None:
    stabil("user", "add", "--email", "monitor@digst.example", "--role", "viewer")
    result = stabil("token", "create", "--email", "Monitor@digst.example", "--name", "uptime")
    assert result.exit_code == 0, result.output
    token = result.stdout.removesuffix("\n")
    assert "\n" not in token
    assert token.startswith("stb_")
    with unit_of_work() as session:
        user = authenticate_token(session, token)
        assert user is not None
        assert user.email == "monitor@digst.example"
    listed = stabil("token", "list", "--email", "monitor@digst.example").stdout
    assert "uptime" in listed
    assert token not in listed


def test_token_create_refuses_unknown_and_inactive_users(stabil: Stabil) -> None:
    refused(
        stabil("token", "create", "--email", "ghost@digst.example"),
        "no user has email 'ghost@digst.example' (see `stabil user list`)",
    )
    stabil("user", "add", "--email", "gone@digst.example", "--role", "viewer")
    deactivated = stabil("user", "deactivate", "--email", "gone@digst.example")
    assert deactivated.stdout == "gone@digst.example: deactivated\n"
    refused(
        stabil("token", "create", "--email", "gone@digst.example"),
        "gone@digst.example is inactive; its tokens would not work",
    )
    assert count(ApiToken) == 0


def test_token_revoke(stabil: Stabil) -> None:
    stabil("user", "init-admin")
    token_id = "1"
    result = stabil("token", "revoke", token_id)
    assert result.stdout == "token 1 (init-admin, admin@localhost): revoked\n"
    again = stabil("token", "revoke", token_id)
    assert again.stdout == "token 1 (init-admin, admin@localhost): was revoked already\n"
    refused(stabil("token", "revoke", "7"), "no API token has id 7 (see `stabil token list`)")
    with unit_of_work() as session:
        token = session.get(ApiToken, 1)
        assert token is not None
        assert token.revoked_at is not None
