"""Running a build: the worker pool, the manifest of what was made, progress reports."""
