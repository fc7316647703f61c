"""Official documents: DOCX templates, rendering, 文号 numbering, printing."""
