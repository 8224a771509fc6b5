"""Print production: paper sizes, bleed and marks, PDF variants, imposition, tiling, calibration."""
