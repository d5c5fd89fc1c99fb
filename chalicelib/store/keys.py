"""Every item kind of the one DynamoDB table and its keys, written down once.

| item              | pk                | sk                    | index keys (pk / sk)            |
|-------------------|-------------------|-----------------------|---------------------------------|
| session           | SESSION#<citizen> | SESSION               |                                 |
| processed message | MSG#<wamid>       | MSG                   |                                 |
| outbox entry      | OUTBOX#<entry id> | OUTBOX                | gsi1 OUTBOX#pending / <due>     |
|                   |                   |                       | gsi3 TO#<recipient> / <created> |
| delivery record   | OUTMSG#<wamid>    | OUTMSG                |                                 |
| evidence copy job | MEDIA#<s3 key>    | MEDIA                 | gsi1 MEDIA#pending / <due>      |
| daily counter     | COUNT#<WIB day>   | INFO#<svc>, CAMPAIGN# |                                 |
| ticket numbers    | COUNTER#TICKET    | <YYMM>                |                                 |
| rekap issued      | REKAP#daily       | <WIB day>             |                                 |
|                   | REKAP#monthly     | <YYYY-MM>             |                                 |
| ticket (full)     | TICKET#<number>   | TICKET                |                                 |
| ticket summary    | TICKET#<number>   | SUMMARY               | gsi1 STATUS#<status> / <c>#<n>  |
|                   |                   |                       | gsi2 MONTH#<YYYY-MM> / <c>#<n>  |
|                   |                   |                       | gsi3 CITIZEN#<citizen> / <c>    |
|                   |                   |                       | gsi4 ASSIGNEE#<staff> / <c>#<n> |
|                   |                   |                       | gsi5 KEC#<code> / <c>#<n>       |
| ticket event      | TICKET#<number>   | EVENT#<at>#<nn>       |                                 |
| catalogue         | CATALOGUE         | SERVICE#… / REFERRAL# |                                 |
| chat (hand-over)  | CHAT#<citizen>    | CHAT                  | gsi1 CHAT#<state> / <until>#<id>|
| conversation      | CONV#<id>         | CONV (-> citizen)     |                                 |
| chat message      | CONV#<id>         | MSG#<at>#<n>          |                                 |
| staff member      | STAFF#<sub>       | STAFF                 | gsi1 STAFF / <email>            |
| sign-in throttle  | THROTTLE#<sha256> | <window>              |                                 |
| audit event       | AUDIT#<target>    | <at>#<id>             | gsi2 AUDITDAY#<day>,            |
|                   |                   |                       | gsi3 ACTOR#<sub>                |
| retention cursor  | RETENTION#<level> | <closed status>       |                                 |

<c>: created_at (UTC ISO; for closed statuses on gsi1, closed_at), <n>: ticket number, months
in WIB.

Access patterns: a citizen's session, hand-over chat and "already processed?" in one
BatchGetItem; due outbox entries and evidence copies from gsi1; tickets by status (gsi1), by
month and WIB day (gsi2), by citizen (gsi3), by assignee (gsi4) and by kecamatan (gsi5), newest
first; one ticket with its summary and whole history in one Query on its pk; live hand-overs
(waiting for staff, held by staff) from gsi1, only those not yet lapsed; a conversation's
messages in one Query on its pk. Indexes hold ticket *summaries* only: no NIK, no description,
no phone number beyond the citizen key Cek Status needs. No request path scans.
A citizen's outbox entries to WhatsApp by recipient (gsi3 TO#…), for an erasure; closed tickets
due for retention from gsi1 (`closed_at < cutoff`), resuming after the retention cursor.
The rekap days (or months) already issued: one range Query on REKAP#daily (REKAP#monthly).

Personal data (UU 27/2022), item by item, and what removes it (chalicelib/retention.py: the
daily retention job and an admin's erasure of one citizen; S3 keys never name the person):

| item              | carries                                   | removed by                       |
|-------------------|-------------------------------------------|----------------------------------|
| session           | the draft: answers, name, NIK, media keys | TTL 24 h; erasure                |
| processed message | the citizen's id (no text)                | TTL 8 days                       |
| poison item       | the citizen's id, the raw item            | TTL 30 days (operator's copy)    |
| outbox entry      | recipient, what was said                  | TTL conversation days; erasure   |
| delivery record   | recipient (no text)                       | TTL as its outbox entry (8 days  |
|                   |                                           | orphaned); erasure, via outbox   |
| evidence copy job | S3 key, media id                          | anonymisation; erasure           |
| ticket (full)     | citizen id, name, NIK, subject, address,  | words: conversation days after   |
|                   | location, description, permit, notes,     | closing; the rest: anonymised    |
|                   | assessment findings, media keys, comment  | ticket days after closing;       |
|                   |                                           | erasure                          |
| ticket summary    | reporter name, citizen key (gsi3)         | as the ticket                    |
| ticket event      | notes, appended text, media keys          | as the ticket                    |
| S3 evidence/…     | photos, documents, voice notes (versions) | every version, with the ticket   |
| S3 inbound/…      | raw webhook items too big for the queue   | lifecycle: 15 days               |
| counters          | counts per day                            | kept (statistics)                |
| S3 rekap/…        | one row per new ticket: reporter name,    | lifecycle: 5 years (the rekap of |
|                   | masked phone and NIK, short description   | any day is rebuilt from indexes) |
| audit event       | staff ids, ticket numbers, never the data | kept                             |
| chat (hand-over)  | citizen id, profile name, pending texts   | erasure                          |
| chat message      | what the citizen and staff wrote, media   | TTL conversation days; erasure   |
|                   | keys (S3 evidence/…)                      |                                  |

Anonymised tickets keep what the statistics need (type, service, kecamatan/desa, priority,
status, dates, deadlines, assessment recommendation, satisfaction score) and leave the citizen
index (gsi3), so neither Cek Status nor an erasure finds them again.
"""

from __future__ import annotations

from typing import Any

TICKET = "TICKET"
SUMMARY = "SUMMARY"
EVENT = "EVENT#"


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def ticket_pk(number: str) -> str:
    return f"TICKET#{number}"


def ticket_sort(created_at: str, number: str) -> str:
    """Index sort key: newest first with ScanIndexForward=False; unique, so a cursor never
    skips or repeats a ticket when others are added."""
    return f"{created_at}#{number}"


def status_partition(status: str) -> str:
    return f"STATUS#{status}"


def month_partition(month: str) -> str:
    return f"MONTH#{month}"


def citizen_partition(citizen: str) -> str:
    return f"CITIZEN#{citizen}"


def recipient_partition(recipient: str) -> str:
    return f"TO#{recipient}"


def retention_partition(level: str) -> str:
    return f"RETENTION#{level}"


def assignee_partition(staff_id: str) -> str:
    return f"ASSIGNEE#{staff_id}"


def kecamatan_partition(code: str) -> str:
    return f"KEC#{code}"


def chat_pk(citizen: str) -> str:
    return f"CHAT#{citizen}"


def chat_partition(state: str) -> str:
    """gsi1: live hand-overs by state (waiting, held), sorted by when they lapse."""
    return f"CHAT#{state}"


def conversation_pk(conv: str) -> str:
    return f"CONV#{conv}"
