"""Filing a complaint (pengaduan) or a request (permohonan), one module per part of the form
the citizen sees: consent, service, person, place, story, summary. `form` puts them in order.

The draft is `session.draft` (a typed `Draft`); `session.step` names the step the citizen is
answering. Every answer is validated; a bad one is re-asked with the reason and an example,
and nothing already given is lost.
"""

from chalicelib.conversation.filing.form import (
    answer,
    back,
    discard,
    offer_resume,
    start,
    start_urgent,
)

__all__ = ["answer", "back", "discard", "offer_resume", "start", "start_urgent"]
