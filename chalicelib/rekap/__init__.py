"""The daily and monthly rekap (SPEC §8): figures from tickets (build), and their views: the
e-mail's HTML and plain text, and the XLSX attachment."""
