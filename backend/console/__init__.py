"""The staff console: server-rendered pages for cashiers and administrators."""
