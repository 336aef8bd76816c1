"""Typed errors for every way a model file can fail to load; their messages are shown to users as they are."""

from __future__ import annotations


class UserError(Exception):
    """A file the user named cannot be used. `str(err)` is a complete sentence for the user, shown as it is;
    `path` is the file that was tried."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


class ModelError(UserError):
    """A model could not be read."""

    code = "unreadable"


class ModelNotFound(ModelError):
    code = "not-found"


class ModelUnreadable(ModelError):
    """Permission denied, a directory, an I/O error."""

    code = "unreadable"


class EmptyModel(ModelError):
    code = "empty"


class CorruptModel(ModelError):
    """Truncated or corrupt bytes, or text that is not a GraphDef."""

    code = "corrupt"


class WrongModelKind(ModelError):
    """A SavedModel, MetaGraphDef, Keras/HDF5, ONNX, ... where a frozen GraphDef was expected."""

    code = "wrong-kind"


class ModelTooLarge(ModelError):
    code = "too-large"
