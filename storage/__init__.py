"""The storage room: story folders on disk: atomic writes, the lock file between processes, frame pictures."""
