"""Which AMCT version's rewrite rules a prediction follows, and why.

The vendor documents more rewrites over time (docs/amct-rules.md): the 2020 FAQ's rules hold for every
version, CANN 8.0 adds fusions and CANN 8.0.RC3 more OP+Add replacements. The version comes from, in order:
what the user says (`--amct-version`, the `amct.amctVersion` setting), the project (`[tool.amct]` in
pyproject.toml — issue 12; `resolve_rules(project=...)` is the seam), the `amct_tensorflow` distribution's
metadata where amct-lsp runs (read, never imported), else the newest documented behaviour.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

DISTRIBUTION = "amct_tensorflow"

#: `8.0`, `8.0.0`, `8.0.RC3`, `8.0.rc3`, `7.0.RC1.alpha002`, `6.0.1` (later parts are ignored).
_VERSION = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(?:(\d+)|[Rr][Cc](\d+)))?[\w.+-]*\s*$")
_FINAL = 100  # a final release sorts after every release candidate of the same X.Y


@dataclass(frozen=True, order=True)
class AmctVersion:
    """A CANN / AMCT version: X.Y, a release candidate X.Y.RCn, or a release X.Y.Z."""

    major: int
    minor: int
    #: n for X.Y.RCn; 100 + Z for a release X.Y.Z (X.Y alone means X.Y.0).
    stage: int = _FINAL
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> AmctVersion:
        """Raises ValueError with a sentence for the user when `text` is not a version."""
        match = _VERSION.match(text)
        if match is None:
            raise ValueError(f"'{text}' is not an AMCT version (expected X.Y, e.g. 7.0, 8.0.RC3)")
        major, minor, patch, rc = match.groups()
        stage = int(rc) if rc is not None else _FINAL + int(patch or 0)
        return cls(int(major), int(minor), stage, text.strip())

    def __str__(self) -> str:
        return self.text or f"{self.major}.{self.minor}"


#: The first documents with each extension (docs/amct-rules.md gives the pages).
FUSIONS_SINCE = AmctVersion.parse("8.0.RC1")
OP_ADD_EXTENDED_SINCE = AmctVersion.parse("8.0.RC3")
#: Conv3D+Mul fusion: listed on the 8.5 / 9.0 fusion pages, not on 8.0.0's (the lower bound is inferred).
CONV3D_MUL_SINCE = AmctVersion.parse("8.5")


@dataclass(frozen=True)
class RuleVersion:
    """The version whose rules are used (None: the newest documented behaviour) and where it came from."""

    version: AmctVersion | None
    #: Why this version: "--amct-version 7.0", "amct_tensorflow 8.0.0 installed in /x/site-packages", ...
    source: str

    def at_least(self, since: AmctVersion) -> bool:
        return self.version is None or self.version >= since

    def describe(self) -> str:
        """One line for hover and explain: which rules, and why."""
        if self.version is None:
            which = "newest documented AMCT (8.5+)"
        elif self.at_least(CONV3D_MUL_SINCE):
            which = f"AMCT {self.version} (FAQ + 8.0 fusions + 8.0.RC3 OP+Add + 8.5 Conv3D+Mul)"
        elif self.at_least(OP_ADD_EXTENDED_SINCE):
            which = f"AMCT {self.version} (FAQ + 8.0 fusions + 8.0.RC3 OP+Add)"
        elif self.at_least(FUSIONS_SINCE):
            which = f"AMCT {self.version} (FAQ + 8.0 fusions)"
        else:
            which = f"AMCT {self.version} (vendor FAQ rules only)"
        return f"{which}: {self.source}"


NEWEST = RuleVersion(
    None,
    # Short: it closes the hover on one line (amct.amctVersion and --amct-version are in the docs).
    f"no AMCT version set, no {DISTRIBUTION} installed",
)


def parse_version(text: str) -> AmctVersion:
    """`AmctVersion.parse`, for callers validating user input (raises ValueError)."""
    return AmctVersion.parse(text)


#: `amct_tensorflow-8.0.0.dist-info` / `amct-tensorflow-8.0.0.egg-info` (names normalised as pip does).
_DIST_DIR = re.compile(r"^amct[-_.]tensorflow-[^/]*\.(?:dist-info|egg-info)$", re.IGNORECASE)


def _metadata_version(folder: str) -> str | None:
    """The `Version:` header of a dist-info's METADATA (an egg-info's PKG-INFO)."""
    for name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if line.startswith("Version:"):
                        return line.partition(":")[2].strip()
                    if not line.strip():
                        break  # the headers end at the first blank line
        except OSError:
            continue
    return None


@lru_cache(maxsize=16)
def _installed(paths: tuple[str, ...]) -> tuple[str, str] | None:
    # A directory scan, not importlib.metadata: that module costs ~30 ms of every start-up.
    for path in paths:
        try:
            names = sorted(os.listdir(path or "."))
        except OSError:
            continue
        for name in names:
            if _DIST_DIR.match(name):
                version = _metadata_version(os.path.join(path, name))
                if version:
                    return version, path
    return None


def installed_version(paths: Sequence[str] | None = None) -> tuple[str, str] | None:
    """(version, folder) of the `amct_tensorflow` distribution in `paths` (default: this interpreter's
    sys.path), read from its metadata without importing it; None when it is not installed there."""
    return _installed(tuple(paths if paths is not None else sys.path))


def resolve_rules(
    explicit: str | None = None,
    explicit_source: str = "--amct-version",
    *,
    project: str | None = None,
    project_source: str = "[tool.amct] in pyproject.toml",
    search_paths: Sequence[str] | None = None,
) -> RuleVersion:
    """The rules to use: the user's version, else the project's, else the installed distribution's, else
    the newest documented. Raises ValueError for a malformed explicit or project version."""
    if explicit:
        return RuleVersion(AmctVersion.parse(explicit), f"from {explicit_source} {explicit.strip()}")
    if project:
        return RuleVersion(AmctVersion.parse(project), f"from {project_source}")
    found = installed_version(search_paths)
    if found is not None:
        version, where = found
        try:
            parsed = AmctVersion.parse(version)
        except ValueError:
            return RuleVersion(
                None, f"{DISTRIBUTION} {version} is installed in {where}, but its version cannot be read"
            )
        return RuleVersion(parsed, f"{DISTRIBUTION} {version} is installed in {where}")
    return NEWEST
