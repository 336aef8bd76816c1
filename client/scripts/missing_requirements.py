"""Print the requirements a wheel folder lacks for another Python version and platform, one per line.

`pip download --python-version 3.10` evaluates environment markers against the Python that runs pip, so
a dependency like `exceptiongroup; python_version < '3.11'` is missed when pip runs on 3.11. package.sh
asks this script what is missing for each target version and downloads it, until nothing is. Uses pip's
vendored `packaging`, so it needs nothing but pip.

    python missing_requirements.py WHEEL_DIR PYTHON_VERSION MACHINE    (e.g. client/wheels 3.10 aarch64)
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from pip._vendor.packaging.requirements import Requirement
from pip._vendor.packaging.utils import canonicalize_name


def target_environment(python_version: str, machine: str) -> dict[str, str]:
    """The marker environment of CPython `python_version` on Linux `machine`, without extras."""
    return {
        "python_version": python_version,
        "python_full_version": f"{python_version}.0",
        "implementation_name": "cpython",
        "implementation_version": f"{python_version}.0",
        "platform_python_implementation": "CPython",
        "platform_system": "Linux",
        "platform_machine": machine,
        "sys_platform": "linux",
        "os_name": "posix",
        "extra": "",
    }


def requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(name).decode("utf-8")
    lines = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    return [Requirement(line.split(":", 1)[1].strip()) for line in lines]


def supported(wheel: Path, python_version: str) -> bool:
    """Whether a wheel can be installed on that version (pure, abi3 or the matching cpXY tag)."""
    tags = wheel.name[:-4].split("-")[-3:]
    cp = "cp" + python_version.replace(".", "")
    return tags[1] in ("none", "abi3") or tags[0] == cp


def main() -> int:
    folder, python_version, machine = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    env = target_environment(python_version, machine)
    wheels = [w for w in folder.glob("*.whl") if supported(w, python_version)]
    present = {canonicalize_name(w.name.split("-")[0]) for w in wheels}
    missing: set[str] = set()
    for wheel in wheels:
        if canonicalize_name(wheel.name.split("-")[0]) == "pip":
            continue
        for req in requirements(wheel):
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            if canonicalize_name(req.name) not in present:
                missing.add(f"{req.name}{req.specifier}")
    for item in sorted(missing):
        print(item)
    return 0


if __name__ == "__main__":
    sys.exit(main())
