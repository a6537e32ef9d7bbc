"""Renderers of check reports: terminal, JSON, HTML, XLSX 检查表."""
