"""The sample-data generator: a fictional maker's calls, mail, forms and SNS posts with the
ground truth planted in them, for the demo, the tests and the benchmark. No reader imports it."""

from sample.inbox import generate

__all__ = ["generate"]
