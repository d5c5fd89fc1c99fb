"""Operator tools run through make (not part of the Lambda package)."""
