"""client/scripts/missing_requirements.py: what `pip download --python-version` misses for another Python."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "client" / "scripts" / "missing_requirements.py"


def make_wheel(folder: Path, filename: str, requires: list[str]) -> None:
    name, version = filename.split("-")[:2]
    metadata = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}".format(
        name, version, "".join(f"Requires-Dist: {req}\n" for req in requires)
    )
    with zipfile.ZipFile(folder / filename, "w") as archive:
        archive.writestr(f"{name}-{version}.dist-info/METADATA", metadata)


def missing(folder: Path, python_version: str, machine: str = "x86_64") -> list[str]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), python_version, machine],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.split()


def test_markers_are_evaluated_for_the_target_python_not_the_running_one(tmp_path: Path) -> None:
    make_wheel(
        tmp_path,
        "cattrs-26.2.1-py3-none-any.whl",
        [
            "attrs>=25.4.0",
            "exceptiongroup>=1.1.1; python_version < '3.11'",
            "typing-extensions>=4.14.0",
            "pymongo>=4.4.0; extra == 'bson'",
        ],
    )
    make_wheel(tmp_path, "attrs-26.1.0-py3-none-any.whl", [])
    make_wheel(tmp_path, "typing_extensions-4.16.0-py3-none-any.whl", [])
    assert missing(tmp_path, "3.10") == ["exceptiongroup>=1.1.1"]
    assert missing(tmp_path, "3.12") == []


def test_only_wheels_for_that_version_count_and_platform_markers_apply(tmp_path: Path) -> None:
    make_wheel(tmp_path, "libcst-1.7.0-cp313-cp313-manylinux2014_aarch64.whl", ["pyyaml>=5.2"])
    make_wheel(
        tmp_path,
        "tool-1.0-py3-none-any.whl",
        ["libcst>=1.0", "pywin32; sys_platform == 'win32'", "armonly; platform_machine == 'aarch64'"],
    )
    # For 3.13 the cp313 libcst wheel is there (its pyyaml is not); for 3.10 libcst itself is missing.
    assert missing(tmp_path, "3.13", "aarch64") == ["armonly", "pyyaml>=5.2"]
    assert missing(tmp_path, "3.10", "x86_64") == ["libcst>=1.0"]
