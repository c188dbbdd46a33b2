"""The glue package holds no models (its migrations remove the data version of the former page cache)."""
