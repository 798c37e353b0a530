"""Documents from the data: Handlingsplan and Återrapportering (DOCX, PDF) and
Månadsuppföljning (XLSX)."""
