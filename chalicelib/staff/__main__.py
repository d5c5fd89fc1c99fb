"""A deployed stage's first admin (after `make deploy-infra`; later staff are added in the API):

    LIGAT_TABLE_NAME=ligat-prod LIGAT_USER_POOL_ID=<UserPoolId output> \\
        .venv/bin/python -m chalicelib.staff admin@dinsos.inhilkab.go.id "Nama Admin"

asks for a temporary password, which the admin replaces at the first sign-in.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from pydantic import ValidationError


def main(argv: list[str] | None = None, password: str | None = None) -> int:
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.staff.directory import StaffConflict, StaffDirectory
    from chalicelib.staff.roles import Role
    from chalicelib.staff.schemas import StaffCreate
    from chalicelib.store.audit import SYSTEM
    from chalicelib.store.staff import StaffStore

    parser = argparse.ArgumentParser(prog="python -m chalicelib.staff", description=__doc__)
    parser.add_argument("email")
    parser.add_argument("name")
    args = parser.parse_args(argv)
    settings = get_settings()
    if not settings.user_pool_id:
        print("LIGAT_USER_POOL_ID is not set (the stack output UserPoolId)", file=sys.stderr)
        return 2
    password = password or getpass.getpass("Temporary password: ")
    directory = StaffDirectory(
        client("cognito-idp"),
        settings.user_pool_id,
        StaffStore(client("dynamodb"), settings.table_name),
    )
    try:
        request = StaffCreate(
            email=args.email, name=args.name, role=Role.ADMIN, temporary_password=password
        )
        member = directory.create(SYSTEM, request)
    except ValidationError as error:
        print(error, file=sys.stderr)
        return 2
    except StaffConflict as error:
        print(error, file=sys.stderr)
        return 1
    print(f"admin {member.email} created (id {member.id}); sign in to set the password")
    return 0


if __name__ == "__main__":
    sys.exit(main())
