"""Layouts and rendering: layout folders, templates, text formatting, fitting and measuring."""
