"""Read plan files of every format into text (bytes -> str)."""
