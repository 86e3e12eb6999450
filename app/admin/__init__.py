"""The admin kernel: base view classes, fields, filters and search every wing's views build on."""
