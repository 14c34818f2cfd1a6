"""How names are compared: the centre's duplicate check and the candidate's sign-in agree.

"Lefèvre-Moreau  Chloé" and "lefevre moreau chloe" are the same person: case, accents, extra
spaces, hyphens and apostrophes do not count (product.md step 4; Pix's slides warn about
accents and double hyphens in compound names).
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`]+")


def normalise_name(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Ligatures NFKD leaves alone: œ (Lœtitia), æ, ß.
    stripped = stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _SEPARATORS.sub(" ", stripped).strip()
