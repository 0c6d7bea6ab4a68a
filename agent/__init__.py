"""Storyloom's story agent: plan a story with a local LLM, revise it by message, keep every version, export.

Nothing here imports chainlit, and importing any module loads no model: the LLM and the image model are
loaded lazily, once, on first use. The app talks to one object, `agent.session.StorySession`.
"""
