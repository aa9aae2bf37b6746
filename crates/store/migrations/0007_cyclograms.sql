-- Metoda schema, migration 7: the cyclogram of an association (001 §6.1: «циклограмма организации
-- методического сопровождения»): the activities that recur every year, each in its month. A new
-- yearly plan may be filled from it (an item per row, in the row's month). Rows are archived,
-- never deleted.

CREATE TABLE cyclogram_items (
    id             {{pk}},
    association_id BIGINT NOT NULL REFERENCES associations (id),
    -- 1..12
    month          BIGINT NOT NULL,
    title          TEXT NOT NULL,
    -- a direction of activity and a form of work, as in plan_items
    direction      TEXT NOT NULL,
    form           TEXT NOT NULL,
    responsible    TEXT,
    note           TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE INDEX cyclogram_items_assoc_ix ON cyclogram_items (association_id, month);
