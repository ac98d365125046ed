-- bench/seed_setup.sql -- the seed app's approach (Andriesvn/symmetricds_integration,
-- symmetric_server/samples/insert_sample.sql), rewritten from its description in
-- shared/reference/seed-app-study.md §2, for benchmark 1 (setup time). Run in the
-- site database with the mariadb client, statement by statement (autocommit), as
-- the seed's file is run. Group names: the seed's 'master'/'backup' edited to
-- 'master'/'branch' (the seed expects them to be edited by hand).
--
-- Deviations from the seed, both in its favour or neutral:
--  * the information_schema join is filtered on table_schema = DATABASE(): the
--    seed's unfiltered join breaks (duplicate trigger_id) when the user sees
--    several site databases, as root does on the benchmark server (§2.8);
--  * the clear section runs in foreign-key order (children first).
-- SymmetricDS's built-in channels ('reload', 'default', ...) must exist already
-- (the engine creates them at start): sym_trigger.reload_channel_id defaults to
-- 'reload', a foreign key to sym_channel.

-- §2.1 clear section
DELETE FROM sym_trigger_router;
DELETE FROM sym_trigger;
DELETE FROM sym_file_trigger_router;
DELETE FROM sym_file_trigger;
DELETE FROM sym_conflict;
DELETE FROM sym_router;
DELETE FROM sym_node_group_link;
DELETE FROM sym_node_group;
DELETE FROM sym_node_host;
DELETE FROM sym_node_identity;
DELETE FROM sym_node_security;
DELETE FROM sym_node;
DELETE FROM sym_channel
 WHERE channel_id IN (SELECT LOWER(REPLACE(name, ' ', '_')) FROM `tabModule Def`);

-- §2.2 channels: one per module, in module-install order
INSERT INTO sym_channel (channel_id, processing_order, max_batch_size, enabled, description,
                         create_time, last_update_time)
SELECT LOWER(REPLACE(name, ' ', '_')),
       500000 + 10 * ROW_NUMBER() OVER (ORDER BY creation),
       100000, 1, name, NOW(), NOW()
  FROM `tabModule Def`;

-- §2.3 node groups and links: master waits for pulls (W), branch pushes (P)
INSERT INTO sym_node_group (node_group_id, create_time, last_update_time)
VALUES ('master', NOW(), NOW()), ('branch', NOW(), NOW());
INSERT INTO sym_node_group_link (source_node_group_id, target_node_group_id, data_event_action,
                                 create_time, last_update_time)
VALUES ('master', 'branch', 'W', NOW(), NOW()), ('branch', 'master', 'P', NOW(), NOW());

-- §2.4 triggers: every DocType with a physical table, minus four, on its module's channel
INSERT INTO sym_trigger (trigger_id, source_table_name, channel_id, create_time, last_update_time)
SELECT CONCAT(LOWER(REPLACE(d.module, ' ', '_')), '_', LOWER(REPLACE(d.name, ' ', '_'))),
       t.table_name, LOWER(REPLACE(d.module, ' ', '_')), NOW(), NOW()
  FROM tabDocType d
  LEFT JOIN information_schema.tables t
         ON t.table_name = CONCAT('tab', d.name) AND t.table_schema = DATABASE()
 WHERE t.table_name IS NOT NULL
   AND d.name NOT IN ('Error Log', 'Error Snapshot', 'Scheduled Job Log', 'Scheduled Job Type');

-- the two hand-added triggers
INSERT INTO sym_trigger (trigger_id, source_table_name, channel_id, create_time, last_update_time)
VALUES ('core_not_listed', 'tabSeries,__UserSettings', 'core', NOW(), NOW());
INSERT INTO sym_trigger (trigger_id, source_table_name, channel_id, sync_on_insert_condition,
                         sync_on_delete_condition, create_time, last_update_time)
VALUES ('core_singles', 'tabSingles', 'core',
        '$(newTriggerValue).doctype <> ''System Settings'' AND $(newTriggerValue).field NOT IN (''scheduler_last_event'', ''enable_scheduler'')',
        '$(oldTriggerValue).doctype <> ''System Settings'' AND $(oldTriggerValue).field NOT IN (''scheduler_last_event'', ''enable_scheduler'')',
        NOW(), NOW());
UPDATE sym_trigger SET excluded_column_names = 'api_key, api_secret' WHERE trigger_id = 'core_user';

-- §2.5 two default routers, and every trigger on both
INSERT INTO sym_router (router_id, source_node_group_id, target_node_group_id, router_type,
                        create_time, last_update_time)
VALUES ('master_2_branch', 'master', 'branch', 'default', NOW(), NOW()),
       ('branch_2_master', 'branch', 'master', 'default', NOW(), NOW());
INSERT INTO sym_trigger_router (trigger_id, router_id, initial_load_order, create_time, last_update_time)
SELECT t.trigger_id, 'master_2_branch', IFNULL(c.processing_order, 1) * 100, NOW(), NOW()
  FROM sym_trigger t LEFT JOIN sym_channel c ON c.channel_id = t.channel_id;
INSERT INTO sym_trigger_router (trigger_id, router_id, initial_load_order, create_time, last_update_time)
SELECT t.trigger_id, 'branch_2_master', IFNULL(c.processing_order, 1) * 100, NOW(), NOW()
  FROM sym_trigger t LEFT JOIN sym_channel c ON c.channel_id = t.channel_id;
