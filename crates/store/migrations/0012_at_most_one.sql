-- Metoda schema, migration 12: every rule of the form "at most one …" is held by the database
-- (issue "Trust"). The store checked these rules before writing, but two parallel requests on
-- PostgreSQL (READ COMMITTED) both passed the check and both wrote: ten identical
-- `POST /api/v1/teachers` made 57 rows for 20 people. A unique (partial) index makes the second
-- writer fail, and the store turns the violation into the rule's Russian message (409).
--
-- Rows that such races already duplicated are resolved first, keeping the oldest row, so that the
-- indexes can be built on an existing database.

-- One current membership of a teacher in an association.
DELETE FROM association_members
 WHERE left_on IS NULL
   AND id NOT IN (SELECT MIN(id) FROM association_members WHERE left_on IS NULL GROUP BY association_id, teacher_id);
CREATE UNIQUE INDEX association_members_current_uq ON association_members (association_id, teacher_id)
    WHERE left_on IS NULL;

-- One current member of a subgroup per teacher.
DELETE FROM subgroup_members
 WHERE left_on IS NULL
   AND id NOT IN (SELECT MIN(id) FROM subgroup_members WHERE left_on IS NULL GROUP BY subgroup_id, teacher_id);
CREATE UNIQUE INDEX subgroup_members_current_uq ON subgroup_members (subgroup_id, teacher_id) WHERE left_on IS NULL;

-- One current holder of each post of an association (head, deputy, secretary, curator): the
-- newest appointment stays current, the older ones end when it began.
UPDATE association_officers
   SET to_on = from_on
 WHERE to_on IS NULL
   AND id NOT IN (SELECT MAX(id) FROM association_officers WHERE to_on IS NULL GROUP BY association_id, role);
CREATE UNIQUE INDEX association_officers_current_uq ON association_officers (association_id, role) WHERE to_on IS NULL;

-- One live record per teacher identity (the bank's identity: name, birth date, organization,
-- which fixes the municipality). Duplicates made by a race are archived, the oldest kept.
UPDATE teachers
   SET archived_at = updated_at
 WHERE archived_at IS NULL
   AND id NOT IN (SELECT MIN(id) FROM teachers WHERE archived_at IS NULL
                  GROUP BY last_name, first_name, COALESCE(middle_name, ''), birth_date, organization_id);
CREATE UNIQUE INDEX teachers_identity_uq
    ON teachers (last_name, first_name, COALESCE(middle_name, ''), birth_date, organization_id)
    WHERE archived_at IS NULL;

-- One further place of work per organization for a teacher.
DELETE FROM teacher_positions
 WHERE id NOT IN (SELECT MIN(id) FROM teacher_positions GROUP BY teacher_id, organization_id);
CREATE UNIQUE INDEX teacher_positions_uq ON teacher_positions (teacher_id, organization_id);

-- One grant of a role in a scope per user.
DELETE FROM role_grants
 WHERE id NOT IN (SELECT MIN(id) FROM role_grants
                  GROUP BY user_id, role, COALESCE(region_id, 0), COALESCE(municipality_id, 0),
                           COALESCE(association_id, 0), COALESCE(organization_id, 0));
CREATE UNIQUE INDEX role_grants_uq ON role_grants (user_id, role, COALESCE(region_id, 0), COALESCE(municipality_id, 0),
    COALESCE(association_id, 0), COALESCE(organization_id, 0));
