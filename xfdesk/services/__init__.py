"""Services: one function per user action, one transaction each, writing its audit event."""
