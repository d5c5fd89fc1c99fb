"""LIGAT: WhatsApp information and complaint service, Dinas Sosial Kabupaten Indragiri Hilir."""
