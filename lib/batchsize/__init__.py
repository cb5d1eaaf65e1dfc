"""Reproducing 'Large Batch vs. Small Batch Training: Generalization Tradeoffs in Deep Neural Networks'."""

__version__ = "0.1.0"
