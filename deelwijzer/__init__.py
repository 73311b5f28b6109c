"""Deelwijzer: mag ik deze gegevens delen? Answers from the official handvatten, verdicts from the rules."""

__version__ = "0.1.0"
