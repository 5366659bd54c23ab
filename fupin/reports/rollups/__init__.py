"""Rollups of the figures document: built per county for all its areas, kept current from the
change log (docs/scaling.md, "Rollups")."""
