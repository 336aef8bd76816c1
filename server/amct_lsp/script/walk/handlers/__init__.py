"""The call handlers, asked in order for each call (see `walk.callsite`): AMCT first (its calls are never
anything else), then the script's own callables (a script function named like a library one is the script's),
then TensorFlow and Python's library. A new API family is one module plus entries here."""

from __future__ import annotations

from amct_lsp.script.walk.callsite import CallHandler
from amct_lsp.script.walk.handlers.amct import AMCT_APIS, AmctCalls
from amct_lsp.script.walk.handlers.methods import ValueMethods
from amct_lsp.script.walk.handlers.script import OwnCallables, SuperCall
from amct_lsp.script.walk.handlers.stdlib import Argparse, Builtins, Paths
from amct_lsp.script.walk.handlers.tensorflow import (
    GraphCalls,
    ImportGraphDef,
    ModelLoaders,
    NameLookups,
    ObjectMethods,
    SavedModelLoader,
    ScriptOpNames,
    SessionRun,
    Sessions,
    WriteGraph,
)

HANDLERS: tuple[CallHandler, ...] = (
    AmctCalls(),
    ScriptOpNames(),  # observes only: every call with a `name=` goes on to the handlers below
    SuperCall(),
    OwnCallables(),
    NameLookups(),
    ObjectMethods(),
    SessionRun(),
    GraphCalls(),
    ImportGraphDef(),
    SavedModelLoader(),
    ModelLoaders(),
    Sessions(),
    WriteGraph(),
    Argparse(),
    Paths(),
    ValueMethods(),
    Builtins(),
)

__all__ = ["AMCT_APIS", "HANDLERS"]
