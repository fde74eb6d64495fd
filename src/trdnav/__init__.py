"""TRD Navigator: a decision aid and clinic workspace for hard-to-treat depression."""

__version__ = "0.1.0"
