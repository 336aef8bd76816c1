"""`amct-lsp explain MODEL`: every tail of a model and the rename chain AMCT's quantize_model will apply."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TextIO

from amct_lsp.amct.driver import predict
from amct_lsp.amct.layers import option_warnings
from amct_lsp.amct.options import ConfigError, QuantOptions, load_config, merge
from amct_lsp.amct.versions import resolve_rules
from amct_lsp.model.errors import ModelError
from amct_lsp.model.reader import read_model
from amct_lsp.project import EMPTY, PYPROJECT, ProjectConfig, find_pyproject, project_for
from amct_lsp.render.chains import rules_json, tail_json
from amct_lsp.render.html import explain_fragment, html_page
from amct_lsp.render.model_text import model_text
from amct_lsp.safe_text import escape_json, one_line

EXIT_OK, EXIT_ERROR = 0, 2


def _split(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def options_from_args(args: argparse.Namespace, project: ProjectConfig = EMPTY) -> QuantOptions:
    """The command line's skip settings merged with the config file's (raises ConfigError); `--skip-layers`
    replaces the project's `skip_layers`."""
    parts: list[QuantOptions] = []
    config = getattr(args, "config", None)
    if config:
        parts.append(load_config(config))
    skip_layers = _split(getattr(args, "skip_layers", ""))
    if skip_layers:
        parts.append(QuantOptions(skip_layers=skip_layers, sources=("--skip-layers",)))
    elif project.skip_layers:
        parts.append(QuantOptions(skip_layers=frozenset(project.skip_layers), sources=(project.source,)))
    skip_types = _split(getattr(args, "skip_layer_types", ""))
    if skip_types:
        parts.append(QuantOptions(skip_layer_types=skip_types, sources=("--skip-layer-types",)))
    return merge(*parts) if parts else QuantOptions()


def run_explain(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the prediction for `args.model`; 2 and one line when the model or config is unusable.

    Skip settings that cannot match the model (a name it lacks, a tensor name, a non-layer op) are warned
    about on stderr: AMCT would quietly quantize the layer anyway, so the user's exclusion does nothing.
    """
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    project = model_project(args.model)
    for problem in project.problems:
        print(f"amct-lsp explain: warning: {_one_line(str(problem))}", file=stderr)
    try:
        rules = resolve_rules(
            getattr(args, "amct_version", None), project=project.amct_version, project_source=project.source
        )
    except ValueError as problem:
        print(f"amct-lsp explain: --amct-version: {_one_line(str(problem))}", file=stderr)
        return EXIT_ERROR
    try:
        options = options_from_args(args, project)
        graph = read_model(args.model)
    except (ModelError, ConfigError) as error:
        print(f"amct-lsp explain: {_one_line(str(error))}", file=stderr)
        return EXIT_ERROR
    for warning in option_warnings(graph, options):
        print(f"amct-lsp explain: warning: {one_line(warning)}", file=stderr)
    prediction = predict(graph, options, rules)
    output_format = getattr(args, "format", "text")
    if output_format == "html":
        title = f"amct-lsp explain {os.path.basename(prediction.model_path or str(args.model))}"
        text = html_page(explain_fragment(prediction, graph), title)  # escaped there
    elif output_format == "json":
        used = rules_json(prediction)
        tails = [{**tail_json(v), "rules": used} for v in prediction.tails]
        encoded = json.dumps(tails, indent=2, ensure_ascii=False)
        text = escape_json(encoded) + "\n"
    else:
        text = model_text(prediction, len(graph))  # escaped there
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        # `amct-lsp explain m.pb | head`: the reader left, which is not an error. Point stdout at devnull
        # so the interpreter's own flush at exit does not print a traceback.
        if stdout is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def model_project(model: str) -> ProjectConfig:
    """The `[tool.amct]` above the model file, else above the current folder (a model kept outside)."""
    return find_pyproject(model) or project_for(os.path.join(os.getcwd(), PYPROJECT))


def _one_line(message: str) -> str:
    """Error messages can hold a path or a name with control characters: one line, escaped."""
    return one_line(message)
