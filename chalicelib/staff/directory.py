"""The staff directory: who works in LIGAT, in which role and kecamatan, and who gets the rekap
and urgent alerts. Cognito holds the sign-in (e-mail, password, group = role, enabled); the
directory item in DynamoDB holds the rest and is what every request's role is read from.
Every change is recorded in the audit log, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib import clock
from chalicelib.logs import get_logger
from chalicelib.staff.model import PasswordRejected, StaffMember
from chalicelib.staff.roles import Principal, Role
from chalicelib.staff.schemas import StaffCreate, StaffUpdate
from chalicelib.store import audit
from chalicelib.store.staff import StaffStore, StaleStaffMember

log = get_logger("staff.directory")


class StaffNotFound(Exception):
    pass


class StaffConflict(Exception):
    """409: the e-mail is taken, the member changed meanwhile, or an admin would lock themselves
    out. The message is for staff (Indonesian)."""


@dataclass
class StaffDirectory:
    cognito: Any  # boto3 cognito-idp client
    user_pool_id: str
    store: StaffStore
    now: Callable[[], datetime] = clock.now

    def members(self) -> list[StaffMember]:
        return sorted(self.store.all(), key=lambda m: (m.name.casefold(), m.email))

    def rekap_recipients(self) -> list[StaffMember]:
        """Active staff who receive the daily rekap e-mail."""
        return [m for m in self.members() if m.active and m.rekap_recipient]

    def duty_officers(self) -> list[StaffMember]:
        """Active staff alerted at once about urgent tickets (e-mail, and WhatsApp if set)."""
        return [m for m in self.members() if m.active and m.duty_officer]

    def get(self, staff_id: str) -> StaffMember:
        member = self.store.get(staff_id)
        if member is None:
            raise StaffNotFound(staff_id)
        return member

    def create(self, actor: str, request: StaffCreate) -> StaffMember:
        try:
            created = self.cognito.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=request.email,
                UserAttributes=[
                    {"Name": "email", "Value": request.email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": request.name},
                ],
                TemporaryPassword=request.temporary_password,
                MessageAction="SUPPRESS",  # the admin hands the temporary password over in person
            )["User"]
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "UsernameExistsException":
                raise StaffConflict("Email ini sudah terdaftar sebagai petugas.") from error
            if code == "InvalidPasswordException":
                raise PasswordRejected() from error
            raise
        sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
        self._cognito("admin_add_user_to_group", sub, GroupName=request.role.value)
        at = clock.iso(self.now())
        member = StaffMember(
            id=sub,
            email=request.email,
            name=request.name,
            role=request.role,
            kecamatan=tuple(request.kecamatan),
            rekap_recipient=request.rekap_recipient,
            duty_officer=request.duty_officer,
            whatsapp=request.whatsapp,
            created_at=at,
            updated_at=at,
            updated_by=actor,
        )
        detail = {"email": member.email, "role": member.role.value}
        try:
            self.store.add(member, self._event(actor, "staff.create", member, detail))
        except Exception:
            self._cognito("admin_delete_user", sub)  # no half-created staff member
            raise
        log.info("staff_created", extra={"staff": sub, "role": member.role.value, "by": actor})
        return member

    def update(self, actor: Principal, staff_id: str, request: StaffUpdate) -> StaffMember:
        member = self.get(staff_id)
        # A field sent as null is left as it is, like a field not sent.
        changes = request.model_dump(exclude_unset=True, exclude_none=True)
        if "kecamatan" in changes:
            changes["kecamatan"] = tuple(changes["kecamatan"])
        changes = {k: v for k, v in changes.items() if getattr(member, k) != v}
        if actor.sub == staff_id and (
            changes.get("active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN
        ):
            raise StaffConflict(
                "Anda tidak dapat menonaktifkan akun sendiri atau mengubah peran sendiri."
            )
        if not changes:
            return member
        if "role" in changes:
            self._cognito("admin_remove_user_from_group", staff_id, GroupName=member.role.value)
            self._cognito("admin_add_user_to_group", staff_id, GroupName=changes["role"].value)
        if "name" in changes:
            self._cognito(
                "admin_update_user_attributes",
                staff_id,
                UserAttributes=[{"Name": "name", "Value": changes["name"]}],
            )
        if changes.get("active") is False:
            self._cognito("admin_disable_user", staff_id)
            self._cognito("admin_user_global_sign_out", staff_id)  # refresh tokens stop working
        elif changes.get("active") is True:
            self._cognito("admin_enable_user", staff_id)
        updated = replace(member, **changes, updated_at=clock.iso(self.now()), updated_by=actor.sub)
        detail = {
            k: (list(v) if isinstance(v, tuple) else str(v) if isinstance(v, Role) else v)
            for k, v in changes.items()
        }
        try:
            saved = self.store.save(updated, self._event(actor.sub, "staff.update", member, detail))
        except StaleStaffMember as error:
            raise StaffConflict(
                "Data petugas ini baru saja diubah orang lain; muat ulang lalu coba lagi."
            ) from error
        log.info("staff_updated", extra={"staff": staff_id, "fields": sorted(changes)})
        return saved

    def ensure_admin(
        self, email: str, name: str, password: str, rekap_recipient: bool = False
    ) -> StaffMember | None:
        """An admin account with a permanent password (`make run`, or a new deployment's first
        admin); None when the e-mail is already registered."""
        try:
            member = self.create(
                audit.SYSTEM,
                StaffCreate(
                    email=email,
                    name=name,
                    role=Role.ADMIN,
                    temporary_password=password,
                    rekap_recipient=rekap_recipient,
                ),
            )
        except StaffConflict:
            return None
        self._cognito("admin_set_user_password", member.id, Password=password, Permanent=True)
        return member

    def _cognito(self, operation: str, username: str, **parameters: Any) -> Any:
        call = getattr(self.cognito, operation)
        return call(UserPoolId=self.user_pool_id, Username=username, **parameters)

    def _event(
        self, actor: str, action: str, member: StaffMember, detail: dict[str, Any]
    ) -> audit.AuditEvent:
        return audit.AuditEvent(actor, action, f"staff:{member.id}", detail, at=self.now())
