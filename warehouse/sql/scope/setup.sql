-- A product team's view of the snapshot (warehouse/scope.py): the snapshot is attached as src,
-- the team's products and name are held here, and views in marts / insights of this in-memory
-- catalog show only the rows those products own.
CREATE TABLE main.scope_products (product VARCHAR NOT NULL);
CREATE TABLE main.scope_team (team VARCHAR NOT NULL);
CREATE SCHEMA marts;
CREATE SCHEMA insights;
