"""The export room: what a story becomes outside the app (PNG frames, strip, comic page, PDF, GIF, Markdown, JSON,
ZIP), and the storyboard cards drawn in place of pictures when no image model is configured."""
