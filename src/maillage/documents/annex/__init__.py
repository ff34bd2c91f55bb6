"""The written documents (project annex, panorama, calendar, fiche) in DOCX, PDF and ODT.

One representation (``model``), built from the project (``building``), three renderers.
"""
