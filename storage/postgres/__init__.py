"""The PostgreSQL backend (``DATABASE_URL=postgresql://…``): the same repositories over asyncpg."""
