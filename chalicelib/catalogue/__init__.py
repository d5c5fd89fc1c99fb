"""The service catalogue and the regions (kecamatan, desa/kelurahan) citizens choose from."""
