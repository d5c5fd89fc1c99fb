"""The office's WhatsApp number as citizens see it and as click-to-chat links need it.

Everything comes from the office configuration (`catalogue/office.yaml`, `whatsapp`), written in
international form ("+62 811-7600-808"), so another kabupaten gets its own link by changing that
file only.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from chalicelib.catalogue.office import Office
from chalicelib.sosialisasi.campaign import greeting_with_code

WA_ME = "https://wa.me/"
INDONESIA = "62"
_INTERNATIONAL = re.compile(r"^\+[1-9][0-9 .\-()]{6,20}$")


def wa_digits(office: Office) -> str:
    """ "+62 811-7600-808" -> "628117600808", the form wa.me takes (country code, no plus)."""
    number = office.whatsapp.strip()
    digits = re.sub(r"[^0-9]", "", number)
    # E.164 allows at most 15 digits; a national "0811..." would open a chat with nobody.
    if not _INTERNATIONAL.match(number) or not 8 <= len(digits) <= 15:
        raise ValueError(
            f"office whatsapp {office.whatsapp!r} must be international, e.g. +62 811-7600-808"
        )
    return digits


def display_number(office: Office) -> str:
    """The number as people in the kabupaten write and save it: "0811-7600-808".

    An Indonesian number loses its +62 for a leading 0 and keeps the configured grouping (or gets
    the usual 4-4-rest one); a foreign number is shown as configured.
    """
    digits = wa_digits(office)
    if not digits.startswith(INDONESIA):
        return office.whatsapp.strip()
    rest = office.whatsapp.strip().removeprefix("+").removeprefix(INDONESIA).strip(" .-")
    if re.search(r"[ .\-]", rest):
        return "0" + rest.replace(" ", "-")
    national = "0" + digits.removeprefix(INDONESIA)
    return "-".join(filter(None, (national[:4], national[4:8], national[8:])))


def click_to_chat_link(office: Office, greeting: str, code: str | None = None) -> str:
    """`https://wa.me/628117600808?text=Halo%20Dinas%20Sosial%20%28TBH01%29`.

    Opening it starts a chat with the office with the greeting typed in, carrying the campaign
    code in brackets when there is one (see `campaign.split_campaign_code`).
    """
    text = greeting_with_code(greeting, code)
    return f"{WA_ME}{wa_digits(office)}?text={quote(text, safe='')}"


def short_link(office: Office) -> str:
    """ "wa.me/628117600808": printed under the QR code for those who type it in."""
    return f"{WA_ME.removeprefix('https://')}{wa_digits(office)}"
