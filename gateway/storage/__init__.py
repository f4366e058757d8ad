"""Storage adapter: SQLAlchemy 2 Core tables, repositories and the unit of work.

SQLite (embedded default) and PostgreSQL are both first-class; the schema is owned by Alembic
(``migrations/``), never by ``metadata.create_all``.
"""
