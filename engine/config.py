"""The versioned engine configuration a course records.

One object holds everything that changes a candidate's test or result: test
length and minimum answers, duration, the selection rules, the exposure
parameters (computed offline by ``python -m engine.exposure``), the EAP grid
and prior, and the scoring bounds. A course stores ``version``; keeping every
version's JSON lets a result be recomputed later exactly as it was produced.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

# Pix's published θ bounds of the 8 score intervals ("mesh levels").
DEFAULT_SCORE_BOUNDS = (-8.0, -1.4, -0.519, 0.6, 1.5, 2.25, 3.1, 4.0, 8.0)
# Width in pix of each interval: 0–63, 64–127, 128–255, … 768–895.
DEFAULT_SCORE_WEIGHTS = (64, 64, 128, 128, 128, 128, 128, 128)
# θ from which a competence is at level 1 … 7. Until our calibration gives
# per-competence bounds, every competence uses the global interval bounds, so a
# competence level equals the global level; ``competence_level_bounds`` overrides.
DEFAULT_COMPETENCE_LEVEL_BOUNDS = DEFAULT_SCORE_BOUNDS[1:8]

EXPOSURE_METHODS = ("eligibility", "randomesque", "none")


@dataclass(frozen=True)
class EngineConfig:
    version: str
    length: int = 32
    min_answers: int = 20
    duration_minutes: int = 105
    start_date: str | None = None

    # Selection rules.
    per_competence: int = 2  # each competence exactly this many times (once before any twice)
    one_per_tube: bool = True
    no_repeat_window: int = 1  # competence not among the last N counted items
    start_spread: float = 1.0  # first item chosen at θ ~ U(prior_mean ± spread): randomised start
    start_pool: int = 1  # … and uniformly among this many best items there

    # EAP grid and prior.
    grid_min: float = -6.0
    grid_max: float = 6.0
    grid_points: int = 81
    prior_mean: float = 0.0
    prior_sd: float = 1.0

    # Exposure control. "eligibility": each item is eligible for a candidate
    # with probability k_i, drawn once per course from its seed; tables map item
    # id -> k_i (absent = 1). One table per population so that each population
    # separately, hence any mix of them, stays under ``exposure_target``.
    exposure_method: str = "eligibility"
    exposure_target: float = 0.20
    exposure: dict[str, float] = field(default_factory=dict)
    exposure_accessible: dict[str, float] = field(default_factory=dict)
    # Prices λ_i (item id -> λ, absent = 0): selection maximises information − λ_i,
    # the Lagrangian of "most total information with every item under the
    # ceiling"; computed offline, eligibility above then enforces the ceiling.
    exposure_price: dict[str, float] = field(default_factory=dict)
    exposure_price_accessible: dict[str, float] = field(default_factory=dict)
    # Stage-dependent prices: while fewer than ``exposure_early_items`` items have been
    # counted (the first round, each competence once), selection uses these prices
    # instead (item id -> λ, absent = 0). Early, θ is still uncertain and every candidate
    # wants the same middle high-a items; a higher early price keeps them for the second
    # round, when θ is known and they go to the candidates they suit. Empty: the prices
    # above times (1 + ``exposure_price_early_factor``) — with the factor at 0, the same
    # prices throughout, as before. Measured on the reference bank (engine/README.md) they
    # only moved information between the rounds: experimental, not in shipped configs.
    exposure_price_early: dict[str, float] = field(default_factory=dict)
    exposure_price_early_accessible: dict[str, float] = field(default_factory=dict)
    exposure_price_early_factor: float = 0.0
    exposure_early_items: int = 16
    # Eligibility in the first round only: when true, the eligibility tables above apply
    # while fewer than ``exposure_early_items`` items have been counted, and the rest of
    # the test is left to the prices. Eligibility is blind to θ; early, so is selection
    # (θ is not yet known), so withholding an item there costs little, whereas later it
    # takes the item from the very candidates the prices reserved it for (~0.001 of mean
    # SE on the reference bank, the prices then having to hold the second round under the
    # ceiling alone). False: the whole test (as before).
    eligibility_early_only: bool = False
    randomesque_weights: tuple[float, ...] = (0.51, 0.25, 0.12, 0.07, 0.05)
    # Temperature τ of a per-course random preference: selection maximises
    # information − λ_i + τ·g_i, g_i standard Gumbel drawn once per course from its seed
    # (a softmax choice among near-equal items). It makes exposure a smooth function of
    # the prices, so they can be fitted on the production engine. 0 = off.
    exposure_noise: float = 0.0
    # What "information" selection maximises: "point" = Fisher information at the EAP;
    # "posterior" = its expectation over the posterior (early, when θ is uncertain, a
    # sharply peaked high-a item is worth less than its peak: with exposure prices this
    # keeps the contested items for candidates whose θ is known).
    information: str = "point"

    # Scoring.
    score_bounds: tuple[float, ...] = DEFAULT_SCORE_BOUNDS
    score_weights: tuple[int, ...] = DEFAULT_SCORE_WEIGHTS
    max_score: int = 895
    competence_level_default: tuple[float, ...] = DEFAULT_COMPETENCE_LEVEL_BOUNDS
    competence_level_bounds: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 < self.min_answers <= self.length:
            raise ValueError("need 0 < min_answers <= length")
        if len(self.score_bounds) != len(self.score_weights) + 1:
            raise ValueError("score_bounds needs one more value than score_weights")
        if any(hi <= lo for lo, hi in zip(self.score_bounds, self.score_bounds[1:], strict=False)):
            raise ValueError("score_bounds must increase")
        if self.exposure_method not in EXPOSURE_METHODS:
            raise ValueError(f"exposure_method must be one of {EXPOSURE_METHODS}")
        if self.information not in ("point", "posterior"):
            raise ValueError("information must be 'point' or 'posterior'")
        if self.exposure_price_early_factor <= -1.0 or self.exposure_early_items < 0:
            raise ValueError("need exposure_price_early_factor > -1 and exposure_early_items >= 0")
        if self.grid_points < 3 or self.grid_max <= self.grid_min or self.prior_sd <= 0:
            raise ValueError("bad EAP grid or prior")
        for bounds in (self.competence_level_default, *self.competence_level_bounds.values()):
            if list(bounds) != sorted(bounds):
                raise ValueError("competence level bounds must not decrease")

    def with_changes(self, **changes: Any) -> EngineConfig:
        return replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EngineConfig:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown configuration keys: {sorted(unknown)}")
        for key in ("score_bounds", "score_weights", "competence_level_default",
                    "randomesque_weights"):
            if key in data:
                data[key] = tuple(data[key])
        if "competence_level_bounds" in data:
            data["competence_level_bounds"] = {
                k: tuple(v) for k, v in data["competence_level_bounds"].items()
            }
        for key in ("exposure", "exposure_accessible", "exposure_price",
                    "exposure_price_accessible", "exposure_price_early",
                    "exposure_price_early_accessible"):
            if key in data:
                data[key] = {k: float(v) for k, v in data[key].items()}
        return cls(**data)


def load_config(path: str | Path) -> EngineConfig:
    return EngineConfig.from_json(Path(path).read_text(encoding="utf-8"))


# Production rules with no exposure table yet: run ``python -m engine.exposure``
# on the real bank and ship its output as the next version.
DEFAULT_CONFIG = EngineConfig(version="2026.1")
