"""The language room: ideas and requests in ordinary words (English and Chinese) read into stories and typed
edit operations."""
