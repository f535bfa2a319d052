-- The Orleans ADO.NET providers (10.4.2) ship no SQL: at start-up each one reads the statements it runs from
-- this table, by key, and executes them with named parameters. The later scripts fill it.
-- The providers select "QueryKey, QueryText FROM OrleansQuery" unquoted, so PostgreSQL folds every name here.
CREATE TABLE orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);
