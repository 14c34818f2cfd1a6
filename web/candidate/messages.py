"""The content package's answer-checking messages (French), translated for the page.

content/check.py is outside the web catalog's extraction, so its messages are listed here as
literal gettext calls; looked up only when an answer is refused.
"""

from __future__ import annotations

from content import check
from web.i18n import gettext_ as _


def check_message(message: str) -> str:
    known = {
        check.ERR_CHOOSE: _("Choisissez une réponse."),
        check.ERR_ONE: _("Choisissez une seule réponse."),
        check.ERR_UNKNOWN: _("Réponse inconnue : choisissez parmi les propositions."),
        check.ERR_EMPTY: _("Saisissez une réponse, ou passez la question."),
        check.ERR_LONG: _("Réponse trop longue (500 caractères au plus)."),
        check.ERR_CHARS: _("La réponse contient des caractères non autorisés."),
        check.ERR_MISSING: _("Réponse incomplète : un champ manque."),
        check.ERR_FORM: _("Réponse mal formée."),
    }
    return known.get(message, message)
