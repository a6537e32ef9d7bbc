"""Renderers: a Disclosure out as DOCX, PDF, HTML and XLSX, all from the one layout in layout.py."""
