"""Maillage: the living plan of a territory's social project."""
