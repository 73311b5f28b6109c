"""Heading detection per document profile (`headings`) and section splitting (`split`)."""
