"""Counter-based random numbers: pure functions of (seed, stream, i).

The engine is stateless, so every step must redraw the same per-course random
numbers from the course seed. Building a numpy Generator costs ~20 µs (seed
hashing), more than a whole selection step, and even a vectorised hash of N
counters costs ~15 µs of numpy call overhead. So:

- scalars (random start, randomesque pick) hash the seed in pure Python;
- per-item uniforms (exposure eligibility) come from a fixed table of 256 rows
  of 16-bit uniforms built once per bank: a course uses rows s1 and s2 picked
  from its seed, u = (row s1 + row s2) mod 2¹⁶. The sum of an independent
  uniform and anything is uniform mod 2¹⁶, so u is uniform for every item; two
  courses share both rows with probability 1/65,536.
"""

from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
TABLE_ROWS = 256
_TABLE_SEED = 0x5EED_E11


def mix64(x: int) -> int:
    """SplitMix64 finaliser on a Python int (any sign, any size)."""
    x = (x * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def uniform(seed: int, stream: int) -> float:
    """One uniform in [0, 1) for (seed, stream)."""
    return (mix64(mix64(seed) ^ (stream & _MASK)) >> 11) * (1.0 / (1 << 53))


def uniforms(seed: int, stream: int, n: int) -> np.ndarray:
    """``n`` uniforms in [0, 1) for (seed, stream): SplitMix64 over a counter."""
    x = np.arange(1, n + 1, dtype=np.uint64)
    x *= _GAMMA  # uint64 array arithmetic wraps modulo 2**64, as SplitMix64 expects
    x += np.uint64(mix64(mix64(seed) ^ (stream & _MASK)))
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return (x >> _S11).astype(np.float64) * (1.0 / (1 << 53))


def item_table(n: int) -> np.ndarray:
    """The fixed (256, n) uint16 table behind per-course item uniforms."""
    rows = [uniforms(_TABLE_SEED, r, n) for r in range(TABLE_ROWS)]
    table = (np.array(rows) * 65536.0).astype(np.uint16)
    table.setflags(write=False)
    return table


def item_uniforms16(table: np.ndarray, seed: int) -> np.ndarray:
    """Per-item 16-bit uniforms for one course (same seed → same values)."""
    h = mix64(seed)
    return table[h & 0xFF] + table[(h >> 8) & 0xFF]  # uint16 addition wraps: mod 2**16
