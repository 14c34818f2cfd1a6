"""Passation's adaptive engine: 2PL item selection, EAP ability, scoring.

Pure Python + numpy. Never imports ``web``, ``content`` or a database: callers
hand over an ``ItemBank``, an ``EngineConfig`` and a course's history.
"""

from .bank import ItemBank, ItemRow
from .config import DEFAULT_CONFIG, EngineConfig, load_config
from .history import Served
from .memo import StepMemo, next_step_remembered
from .scoring import CourseResult, level_names, score_course, score_from_theta
from .selection import Step, estimate, next_step

__all__ = [
    "DEFAULT_CONFIG",
    "CourseResult",
    "EngineConfig",
    "ItemBank",
    "ItemRow",
    "Served",
    "Step",
    "StepMemo",
    "estimate",
    "level_names",
    "load_config",
    "next_step",
    "next_step_remembered",
    "score_course",
    "score_from_theta",
]
