-- One name per concept (docs/glossary.md): a storage slot type is called so everywhere (table dues.storage_slot_type, DU130,
-- storage_slot_create); api.storage_type_create is api.storage_slot_type_create, made by its procs/ file.
drop function if exists api.storage_type_create(text, text, interval, interval);
