"""Languages, scripts and units."""
