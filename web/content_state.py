"""The item bank and engine configuration, loaded and validated once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import content
import engine
from web.course.step_memos import StepMemos

CONFIG_DIR = Path(content.__file__).parent / "configs"


@dataclass(frozen=True)
class LoadedContent:
    bank: content.ContentBank
    engine_bank: engine.ItemBank
    config: engine.EngineConfig  # the version new courses use
    configs: dict[str, engine.EngineConfig]  # every known version, to rescore old courses
    # The engine's last step of each course served here (web.course.step_memos): tied to
    # this bank, so a reloaded bank starts without any.
    step_memos: StepMemos = field(default_factory=StepMemos, compare=False, repr=False)

    @property
    def media_dir(self) -> Path:
        return self.bank.media_dir

    def config_for(self, version: str) -> engine.EngineConfig:
        return self.configs.get(version, self.config)


@functools.cache
def load_content() -> LoadedContent:
    bank = content.load_bank()
    configs = {cfg.version: cfg for cfg in _read_configs()}
    current = max(configs.values(), key=lambda c: c.version) if configs else engine.DEFAULT_CONFIG
    configs.setdefault(current.version, current)
    return LoadedContent(bank=bank, engine_bank=bank.to_engine(), config=current, configs=configs)


def _read_configs() -> list[engine.EngineConfig]:
    if not CONFIG_DIR.is_dir():
        return []
    return [engine.load_config(path) for path in sorted(CONFIG_DIR.glob("*.json"))]
