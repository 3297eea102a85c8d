"""Input and output of whole graphs: backups and exports."""
