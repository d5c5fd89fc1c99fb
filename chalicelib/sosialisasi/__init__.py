"""Outreach (*sosialisasi*): the office's click-to-chat link, campaign codes, the poster's content.

Pure and boto3-free. The drawing of posters and images is a tool (`tools/poster.py`, `make
poster`), so the libraries it needs stay out of the Lambda.
"""
