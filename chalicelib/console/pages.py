"""The console's pages, declared once, and how a page is rendered.

A page is a server-rendered shell: the navigation (only the pages the signed-in role may open),
the page's own template, the console's shared script and style, and the page's script, which
reads and changes data through the /admin API. Nothing on a page comes from a CDN.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.staff.roles import Permission, Principal

if TYPE_CHECKING:
    from jinja2 import Environment

HERE = Path(__file__).parent
STATIC = HERE / "static"

ROLE_LABELS = {"admin": "Admin", "asesor": "Asesor", "pimpinan": "Pimpinan"}


@dataclass(frozen=True)
class Page:
    name: str  # the URL segment: /console/<name>
    title: str  # Indonesian, in the navigation and the window title
    permission: Permission  # who may open it (the API still checks every call)
    template: str
    script: str
    nav: bool = True  # listed in the navigation


PAGES: dict[str, Page] = {
    page.name: page
    for page in (
        Page("dashboard", "Dasbor", Permission.TICKETS_LIST, "dashboard.html", "dashboard.js"),
        Page("tickets", "Antrean", Permission.TICKETS_LIST, "tickets.html", "tickets.js"),
        Page("inbox", "Percakapan", Permission.CONVERSATIONS_INBOX, "inbox.html", "inbox.js"),
        Page("ticket", "Tiket", Permission.TICKETS_READ, "ticket.html", "ticket.js", nav=False),
        Page("catalogue", "Katalog", Permission.CATALOGUE_READ, "catalogue.html", "catalogue.js"),
        Page("rekap", "Rekap", Permission.REKAP_READ, "rekap.html", "rekap.js"),
        Page("staff", "Staf", Permission.STAFF_DIRECTORY, "staff.html", "staff.js"),
        Page("akun", "Akun saya", Permission.SELF, "akun.html", "akun.js"),
    )
}
HOME = "dashboard"


def allowed(principal: Principal) -> list[Page]:
    return [page for page in PAGES.values() if page.nav and principal.may(page.permission)]


STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


@lru_cache(maxsize=64)
def static_file(name: str) -> tuple[bytes, str] | None:
    """A file of static/ and its content type; None for anything else (no paths, no dotfiles)."""
    path = STATIC / name
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or "/" in name or name.startswith(".") or not path.is_file():
        return None
    return path.read_bytes(), kind


@lru_cache(maxsize=64)
def asset_version(name: str) -> str:
    found = static_file(name)
    return hashlib.sha256(found[0]).hexdigest()[:10] if found else "0"


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = _asset_url
    return env


def _asset_url(base: str, name: str) -> str:
    return f"{base}/console/static/{name}?v={asset_version(name)}"


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_page(
    page: Page, principal: Principal, base: str, csrf: str, data: dict[str, str] | None = None
) -> str:
    """A page for a signed-in staff member. `data` becomes data-* attributes of <main>."""
    config = {
        "base": base,
        "csrf": csrf,
        "page": page.name,
        "home": f"{base}/console/{HOME}",
        "me": {"name": principal.name, "role": principal.role.value, "email": principal.email},
        "permissions": sorted(p.value for p in principal.spec.permissions),
        "labels": labels(),
    }
    return render(
        page.template,
        page=page,
        base=base,
        nav=allowed(principal),
        me=principal,
        role_label=ROLE_LABELS[principal.role.value],
        config=config,
        data=data or {},
    )


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    """Names the pages show instead of codes: statuses, services, kecamatan, roles."""
    from chalicelib.catalogue.regions import load_regions
    from chalicelib.catalogue.services import load_catalogue
    from chalicelib.tickets.model import STATUS_LABELS

    regions = load_regions()
    return {
        "status": {status.value: label for status, label in STATUS_LABELS.items()},
        "service": {service.id: service.name for service in load_catalogue().services},
        "kecamatan": {kec.code: kec.name for kec in regions.alphabetical},
        "role": ROLE_LABELS,
    }
