"""Views of report rows other than the terminal table: the self-contained HTML document."""
