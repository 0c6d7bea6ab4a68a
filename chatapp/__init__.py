"""Chainlit-side support for Storyloom's chat app (app.py): persistence, the render queue and the story view.

Nothing here holds story logic: that lives in agent/. These modules only adapt Chainlit to it.
"""
