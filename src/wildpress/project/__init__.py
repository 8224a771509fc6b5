"""Projects: the project file, its brand and `wildpress new`'s skeleton."""
