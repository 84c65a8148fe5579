"""Reports: alignments as records, tables, Markdown/CSV text and Excel workbooks."""
