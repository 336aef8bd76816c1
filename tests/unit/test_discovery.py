"""Project discovery: one walk for the model, the config files and the AMCT log; extra model folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from amct_lsp.check import check_source
from amct_lsp.discovery import MAX_PARENTS, locate_file, locate_log, search_dirs
from amct_lsp.model.cache import ModelCache
from support.amct_log import FAQ_LOG


def _log(folder: Path) -> Path:
    log = folder / "amct_log" / "amct_tensorflow.log"
    log.parent.mkdir(parents=True)
    log.write_text(FAQ_LOG, encoding="utf-8")
    return log


def test_the_log_is_found_by_the_same_walk_as_configs(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    script = root / "proj" / "scripts" / "quant.py"
    script.parent.mkdir(parents=True)
    assert locate_log(str(script), str(root)) is None
    log = _log(root / "proj")
    assert locate_log(str(script), str(root)) == str(log)
    assert locate_file("amct_log/amct_tensorflow.log", str(script), str(root)) == str(log)
    # Above the root is never searched.
    assert locate_log(str(script), str(script.parent)) is None
    # The script does not name its log: outside a root only its own folder (another project's log may be
    # further up), while a file it names is looked for a few folders up.
    assert locate_log(str(script), None) is None
    assert locate_log(str(script), str(tmp_path / "elsewhere")) is None
    assert locate_file("amct_log/amct_tensorflow.log", str(script), None) == str(log)
    nearer = _log(script.parent)
    assert locate_log(str(script), str(root)) == str(nearer)
    assert locate_log(str(script), None) == str(nearer)
    # An explicit log is used when it is a file, and nothing else then.
    assert locate_log(str(script), str(root), str(log)) == str(log)
    assert locate_log(str(script), str(root), str(tmp_path / "missing.log")) is None


def test_without_a_root_the_walk_stops_a_few_folders_up(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*[f"d{i}" for i in range(MAX_PARENTS + 3)])
    deep.mkdir(parents=True)
    dirs = search_dirs(str(deep / "quant.py"), None)
    assert dirs[0] == str(deep) and len(dirs) == MAX_PARENTS + 1
    assert search_dirs(str(deep / "quant.py"), None, named=False) == [str(deep)]


SCRIPT = """\
import tensorflow as tf
import amct_tensorflow as amct
with tf.gfile.GFile('./pb_model/s1_add.pb', 'rb') as f:
    pass
graph = tf.get_default_graph()
amct.quantize_model(graph, './c.json', './r.txt')
with tf.Session() as sess:
    sess.run('Add:0')
"""


def test_extra_model_folders_are_part_of_the_one_lookup(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    """The server used to run the check twice (once to learn the name, once with the model it found)."""
    project, models = tmp_path / "project", tmp_path / "models"
    project.mkdir()
    models.mkdir()
    script = project / "quant.py"
    script.write_text(SCRIPT, encoding="utf-8")
    cache = ModelCache()
    missing = check_source(SCRIPT, str(script), cache=cache, root=str(project), model_folders=[str(models)])
    assert [f.code.value for f in missing.findings] == ["AMCT004"]
    shutil.copyfile(fixture_path("s1_add"), models / "s1_add.pb")
    result = check_source(SCRIPT, str(script), cache=cache, root=str(project), model_folders=[str(models)])
    assert [f.code.value for f in result.findings] == ["AMCT001"]
    assert result.model_path == str(models / "s1_add.pb") and cache.reads == 1
    assert result.model_note is not None and "model folders" in result.model_note
    assert result.model_span is not None and result.model_span.start.line == 2  # the hover still works
    # Found next to the script first: the folders are only a fallback.
    (project / "pb_model").mkdir()
    shutil.copyfile(fixture_path("s1_add"), project / "pb_model" / "s1_add.pb")
    nearer = check_source(SCRIPT, str(script), cache=cache, root=str(project), model_folders=[str(models)])
    assert nearer.model_path == str(project / "pb_model" / "s1_add.pb")


def test_a_relative_model_found_from_two_folders_says_which_was_assumed(tmp_path: Path) -> None:
    from amct_lsp.discovery import locate_model
    from amct_lsp.script import analyze

    for folder in (tmp_path, tmp_path / "sub"):
        (folder / "pre_model").mkdir(parents=True)
        (folder / "pre_model" / "m.pb").write_bytes(b"")
    script = tmp_path / "sub" / "q.py"
    source = 'import amct_tensorflow\nopen("../pre_model/m.pb", "rb")\nopen("pre_model/m.pb", "rb")\n'
    located = locate_model(analyze(source, str(script)), str(script), str(tmp_path), None)
    assert located.path == str(tmp_path / "pre_model" / "m.pb")
    assert located.note is not None and "assumed" not in located.note
    single = 'import amct_tensorflow\nopen("pre_model/m.pb", "rb")\n'
    again = locate_model(analyze(single, str(script)), str(script), str(tmp_path), None)
    assert again.path == str(tmp_path / "sub" / "pre_model" / "m.pb")
    assert again.note is not None and f"also exists relative to {tmp_path}" in again.note
    assert "assumed relative to the script's folder" in again.note
