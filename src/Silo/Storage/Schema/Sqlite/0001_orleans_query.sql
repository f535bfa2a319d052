-- The Orleans ADO.NET providers (10.4.2) ship no SQL: at start-up each one reads the statements it runs from
-- this table, by key, and executes them with named parameters. The later scripts fill it.
-- SQLite runs a multi-statement text in order; results come from its SELECT statements.
CREATE TABLE OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
