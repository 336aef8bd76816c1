"""The parts of the `Evaluator` walk, one concern per module (see `amct_lsp.script.evaluator`)."""
