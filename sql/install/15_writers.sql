-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- The frame of every procedure that writes SymmetricDS's configuration
-- (sds_setup, sds_sync_schema's pass, branch onboarding, remote SQL, file
-- sync): sds__writer_begin / sds__writer_end.
--
-- A writer does, in this order:
--
--   DECLARE v_saved VARCHAR(2100);   -- NULL until sds__writer_begin ran
--   DECLARE EXIT HANDLER FOR SQLEXCEPTION
--   BEGIN
--     CALL sds__writer_end(0, v_saved);   -- roll back, restore; never fails
--     RESIGNAL;                           -- the original error
--   END;
--   ... checks ...
--   CALL sds__writer_begin(0, v_saved);
--   ... writes ...
--   CALL sds__writer_end(1, v_saved);     -- commit, restore
--
-- The caller's session variables are saved in the caller's own local
-- variable (the OUT parameter), not in session state, so writers can call
-- each other and each restores what it found.
DELIMITER //

DROP PROCEDURE IF EXISTS sds__writer_begin//
CREATE PROCEDURE sds__writer_begin(IN p_first_setup TINYINT, OUT p_saved VARCHAR(2100))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: save and clear @sync_node_disabled/@sync_triggers_disabled, start the transaction, take the site''s configuration lock'
BEGIN
  DECLARE v_n INT;
  -- SymmetricDS must see the writes as local configuration changes: its
  -- capture triggers store @sync_node_disabled as the row's source node,
  -- and a configuration row with a source node only flushes its routing's
  -- node caches; @sync_triggers_disabled set skips the capture of sym_*
  -- rows (SymmetricDS: symmetric-client/.../db/mysql/MySqlTriggerTemplate.java,
  -- symmetric-core/.../route/ConfigurationChangedDataRouter.java).
  SET p_saved = JSON_ARRAY(@sync_node_disabled, @sync_triggers_disabled);
  SET @sync_node_disabled = NULL, @sync_triggers_disabled = NULL;
  -- Configuration writers of a site run one at a time: the sds_setup_state
  -- row is locked first thing in the transaction, before anything is read,
  -- so a concurrent writer waits and then works on what this one committed
  -- (a row lock replicates and works on Galera, unlike GET_LOCK).
  START TRANSACTION;
  IF p_first_setup THEN
    -- sds_setup: the row may not exist yet; the placeholder of a first
    -- setup is replaced by the caller, or rolled back
    INSERT INTO sds_setup_state (id, master_group, branch_group, updated_at)
      VALUES (1, '', '', NOW()) ON DUPLICATE KEY UPDATE id = id;
  ELSE
    SELECT COUNT(*) INTO v_n FROM sds_setup_state WHERE id = 1 FOR UPDATE;
  END IF;
END//

DROP PROCEDURE IF EXISTS sds__writer_end//
CREATE PROCEDURE sds__writer_end(IN p_commit TINYINT, IN p_saved VARCHAR(2100))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: commit (or roll back) and restore what sds__writer_begin saved'
BEGIN
  IF p_commit THEN
    COMMIT;
  ELSE
    -- in an EXIT handler, before RESIGNAL: an error here must not take
    -- the place of the one being reported
    BEGIN
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END;
      ROLLBACK;
    END;
  END IF;
  -- p_saved is NULL when the caller failed before sds__writer_begin: the
  -- variables are still the caller's own
  IF p_saved IS NOT NULL THEN
    SET @sync_node_disabled = JSON_VALUE(p_saved, '$[0]'),
        @sync_triggers_disabled = JSON_VALUE(p_saved, '$[1]');
  END IF;
END//

-- sds__parameter_put(group, key, value): one of frappe_sds's SymmetricDS
-- parameters for a node group (sym_parameter, external_id ALL), written only
-- when it differs: an unchanged row is no configuration change for
-- SymmetricDS to route. The engines read sym_parameter at start and again
-- when a configuration change for it arrives (ParameterService).
DROP PROCEDURE IF EXISTS sds__parameter_put//
CREATE PROCEDURE sds__parameter_put(IN p_group VARCHAR(50), IN p_key VARCHAR(80),
                                    IN p_value VARCHAR(255))
  SQL SECURITY INVOKER
  COMMENT 'frappe_sds internal: write one of frappe_sds''s SymmetricDS parameters for a node group when it differs'
BEGIN
  INSERT INTO sym_parameter (external_id, node_group_id, param_key, param_value, create_time,
                             last_update_by, last_update_time)
    VALUES ('ALL', p_group, p_key, p_value, NOW(), 'frappe_sds', NOW())
    ON DUPLICATE KEY UPDATE
      last_update_time = IF(param_value <=> VALUES(param_value), last_update_time, VALUES(last_update_time)),
      last_update_by = IF(param_value <=> VALUES(param_value), last_update_by, 'frappe_sds'),
      param_value = VALUES(param_value);
END//

DELIMITER ;
