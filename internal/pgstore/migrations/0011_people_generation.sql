-- The generation of the imported people data (people.Imported.Generation):
-- one more with each save, so that every node can ask cheaply whether an
-- import was made since it read the data, without reading the document.
-- A document saved before this column counts as the first generation.

ALTER TABLE people_imported ADD COLUMN generation bigint NOT NULL DEFAULT 1;
