"""Storage: SQLModel tables, engine and sessions, migrations. With services, the only code that touches the database."""
