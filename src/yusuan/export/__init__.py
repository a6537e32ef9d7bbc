"""Exports of the model: JSON (versioned schema), tidy cells CSV, and a Chinese summary."""
