"""Roles and organisation kinds: what a user is, and the groups of roles every rule names.

Each domain decides its own permissions from these facts (the desk, for instance, lets a
supplier work the incidents handed to its organisation), stated with the role sets below, so
that "who may" means the same everywhere.
"""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    agency = "agency"  # owns the service and runs the support desk
    supplier = "supplier"  # operates or develops (part of) the service
    authority = "authority"  # a municipality or other authority that depends on the service


class Role(StrEnum):
    admin = "admin"  # manages accounts and everything else
    operator = "operator"  # 1st and 2nd level support
    supplier = "supplier"  # sees and works the incidents handed to its organisation
    authority = "authority"  # reports incidents and sees its organisation's own
    viewer = "viewer"  # reads, changes nothing

    @property
    def is_staff(self) -> bool:
        """The agency's own desk: sees every incident."""
        return self in WORK

    @property
    def organisation_kind(self) -> OrganisationKind | None:
        """The kind of organisation this role acts for, when it must act for one."""
        return _REQUIRED_KIND.get(self)

    @property
    def needs_organisation(self) -> bool:
        return self.organisation_kind is not None


_REQUIRED_KIND = {
    Role.supplier: OrganisationKind.supplier,
    Role.authority: OrganisationKind.authority,
}


# The agency's desk and its readers: they see every record, and every address (accounts.privacy).
SEE_ALL = frozenset({Role.admin, Role.operator, Role.viewer})
# The agency's desk: it records and changes every kind of record.
WORK = frozenset({Role.admin, Role.operator})
# Those who ask the desk for something: they report incidents and submit service requests.
REPORT = frozenset({Role.admin, Role.operator, Role.authority})
