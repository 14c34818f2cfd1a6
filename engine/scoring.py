"""From θ to a certificate: score in pix, global level, competence levels, outcome.

Outcome rules (product.md, "Scoring"), in order:
- fraud → rejected ("fraud");
- fewer than ``min_answers`` answers → rejected when the candidate caused it,
  cancelled when the cause was technical ("too_few_answers");
- ``min_answers`` … length − 1 answers by the candidate's doing → validated with
  a lowered score: the missing questions are counted as skipped on the most
  informative remaining items (chosen one at a time under the production rules,
  θ recomputed after each), then θ is recomputed ("lowered");
  a technical cause → no lowering;
- a score of 0 → rejected ("zero_score").
A rejected or cancelled course has ``score`` 0, level 0 and competence levels 0,
so nothing certificate-like leaks; ``computed_score`` keeps the score θ gave
for the jury. "completed" with fewer answers than the length (time ran out) is
treated as the candidate's doing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from .bank import ItemBank
from .config import EngineConfig
from .history import ANSWERS, Served, parse
from .selection import derived, estimate_state, most_informative, rule_mask

LEVEL_NAMES_FR = ("Pré-débutant", "Novice 1", "Novice 2", "Indépendant 3", "Indépendant 4",
                  "Avancé 5", "Avancé 6", "Expert 7")
LEVEL_NAMES_EN = ("Pre-beginner", "Novice 1", "Novice 2", "Independent 3", "Independent 4",
                  "Advanced 5", "Advanced 6", "Expert 7")
ENDINGS = ("completed", "candidate", "technical", "fraud")


@dataclass(frozen=True)
class CourseResult:
    status: str  # "validated" | "rejected" | "cancelled"
    theta: float
    se: float
    score: int  # 0..895; 0 when rejected or cancelled
    level: int  # 0..7 global level
    level_name_fr: str
    level_name_en: str
    competence_levels: dict[str, int]  # code -> 0..7, every competence of the bank
    answered: int  # answers by the candidate (withdrawn and unanswered excluded)
    lowered: bool
    reason: str | None  # "fraud" | "too_few_answers" | "zero_score" | "lowered" | None
    computed_score: int = 0  # the score θ gives, even when rejected or cancelled
    config_version: str = ""
    filled: tuple[str, ...] = field(default=())  # items counted as skipped when lowered


def _starts(config: EngineConfig) -> list[int]:
    return list(accumulate(config.score_weights, initial=0))


def score_from_theta(theta: float, config: EngineConfig) -> int:
    """θ → pix: linear within each interval, 0 below the first bound, capped at max_score."""
    bounds, weights = config.score_bounds, config.score_weights
    if not theta > bounds[0]:  # also catches NaN
        return 0
    if theta >= bounds[-1]:
        return config.max_score
    i = bisect_right(bounds, theta) - 1
    starts = _starts(config)
    pix = starts[i] + (theta - bounds[i]) / (bounds[i + 1] - bounds[i]) * weights[i]
    # Rounding can carry θ just below a bound to the next interval's first
    # score: keep every θ inside its own interval's pix range.
    return min(int(pix), starts[i + 1] - 1, config.max_score)


def level_from_score(score: int, config: EngineConfig) -> int:
    """Global level 0..7: the interval whose pix range holds the score."""
    return min(bisect_right(_starts(config), score) - 1, len(config.score_weights) - 1)


def level_names(level: int) -> tuple[str, str]:
    """(French, English) name of a global level."""
    return LEVEL_NAMES_FR[level], LEVEL_NAMES_EN[level]


def competence_levels(theta: float, bank: ItemBank, config: EngineConfig) -> dict[str, int]:
    """Level 0..7 of each competence: how many of its 7 θ bounds θ reaches."""
    bounds, default = config.competence_level_bounds, config.competence_level_default
    return {code: bisect_right(bounds.get(code, default), theta) for code in bank.competences}


def _lower(history: list[Served], missing: int, bank: ItemBank, config: EngineConfig,
           accessible_only: bool) -> tuple[list[Served], list[str]]:
    """Append ``missing`` skipped answers on the most informative remaining items."""
    d = derived(bank, config)
    filled: list[str] = []
    for _ in range(missing):
        state = parse(history, bank)
        mask = rule_mask(state, bank, config, accessible_only)
        if mask is None:
            break
        theta, _se = estimate_state(state, d)
        item = bank.ids[most_informative(mask, theta, bank)]
        history.append(Served(item, "skipped"))
        filled.append(item)
    return history, filled


def score_course(
    history: Sequence[Served],
    bank: ItemBank,
    config: EngineConfig,
    *,
    ended_by: str = "completed",
    accessible_only: bool = False,
) -> CourseResult:
    """The result of a course: status, θ, score, levels, with the outcome rules above.

    ``accessible_only`` restricts the items used to lower a score to those the
    candidate could have been served.
    """
    if ended_by not in ENDINGS:
        raise ValueError(f"ended_by must be one of {ENDINGS}")
    answered = sum(1 for s in history if s.result in ANSWERS)
    lowered = False
    filled: list[str] = []
    scored = list(history)
    short = answered < config.length
    if (ended_by in ("candidate", "completed") and short and answered >= config.min_answers):
        # What was served and left unanswered counts as skipped, then the rest is filled.
        scored = [Served(s.item_id, "skipped", s.a, s.b) if s.result is None else s
                  for s in scored]
        missing = config.length - parse(scored, bank).counted_total
        scored, filled = _lower(scored, missing, bank, config, accessible_only)
        lowered = True
    theta, se = estimate_state(parse(scored, bank), derived(bank, config))
    computed = score_from_theta(theta, config)

    reason: str | None
    if ended_by == "fraud":
        status, reason = "rejected", "fraud"
    elif answered < config.min_answers:
        status = "cancelled" if ended_by == "technical" else "rejected"
        reason = "too_few_answers"
    elif computed == 0:
        status, reason = "rejected", "zero_score"
    else:
        status, reason = "validated", ("lowered" if lowered else None)

    if status == "validated":
        score = computed
        level = level_from_score(score, config)
        comp = competence_levels(theta, bank, config)
    else:
        score, level = 0, 0
        comp = dict.fromkeys(bank.competences, 0)
    fr, en = level_names(level)
    return CourseResult(
        status=status, theta=theta, se=se, score=score, level=level,
        level_name_fr=fr, level_name_en=en, competence_levels=comp,
        answered=answered, lowered=lowered and status == "validated", reason=reason,
        computed_score=computed, config_version=config.version, filled=tuple(filled),
    )
