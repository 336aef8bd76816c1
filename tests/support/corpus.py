"""The corpus of realistic quantization scripts (tests/scripts/) set up as projects, for the fuzz tests.

Each script says which fixture model it loads and where (`# corpus: model=<fixture> at=<relative path>`) and
may ask for extra files (`# corpus: file=<name> text=<content>`). (tests/unit/test_check_corpus.py reads the
same markers.)
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "scripts"
SCRIPTS = sorted(CORPUS.glob("*.py"))
_SETUP = re.compile(r"# corpus: model=(?P<model>\S+) at=(?P<at>\S+)")
_FILE = re.compile(r"# corpus: file=(?P<name>\S+) text=(?P<text>.*)$", re.MULTILINE)


def build_project(script: Path, folder: Path, fixture_path: Callable[[str], Path]) -> tuple[str, Path]:
    """(the script's text, its copy) in `folder`, next to its model and extra files."""
    source, copy, _model = build_with_model(script, folder, fixture_path)
    return source, copy


def build_with_model(
    script: Path, folder: Path, fixture_path: Callable[[str], Path]
) -> tuple[str, Path, Path]:
    """(the script's text, its copy, the model's copy) in `folder`, next to its extra files."""
    source = script.read_text(encoding="utf-8")
    setup = _SETUP.search(source)
    assert setup is not None, f"{script.name} does not say which model it loads"
    target = folder / setup.group("at")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture_path(setup.group("model")), target)
    for extra in _FILE.finditer(source):
        (folder / extra.group("name")).write_text(extra.group("text") + "\n", encoding="utf-8")
    copy = folder / script.name
    copy.write_text(source, encoding="utf-8")
    return source, copy, target
