"""Storyloom's core: the story state, its edit operations, settings, errors and what a session answers.

Everything else may import it; it imports nothing of Storyloom's (tests/test_architecture.py checks this).
"""
