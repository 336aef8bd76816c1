"""The interpreter that walks a script (`interpreter.Interpreter`) and the call handlers it asks."""
