"""Swedish text at the edges, shared by the pages and the documents (no Django)."""
