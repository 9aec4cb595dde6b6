"""The record as written: validation of every row, the seed files, saving with history,
editor accounts."""
