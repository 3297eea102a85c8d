"""The model room: every entity family and relationship, declared once (``registry`` lists them)."""
