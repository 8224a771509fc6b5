"""Untrusted input: confined reading, bounded rendering, checked images and output names.

Species files and layouts come from volunteers and are shared between
organisations, so every file wildpress opens goes through :mod:`.confine`,
every document renders in a :class:`.worker.Worker` under :class:`.limits.Limits`,
templates run in :mod:`.sandbox`, images are checked by :mod:`.images` before
WeasyPrint sees them, and :mod:`.outputs` decides what may be written where.
"""
