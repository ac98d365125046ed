-- End of install.sql: record the version (only now: an install that
-- stopped half-way keeps the version it had, and running install.sql again
-- finishes it), then restore the session's note setting and sql_mode.
-- A first install records version; an upgrade also the version it came
-- from; running the same install.sql again changes nothing.
INSERT INTO sds_install (id, version, installed_at)
  VALUES (1, @sds__sql_version, NOW())
  ON DUPLICATE KEY UPDATE
    upgraded_from = IF(version <> VALUES(version), version, upgraded_from),
    installed_at = IF(version <> VALUES(version), VALUES(installed_at), installed_at),
    version = VALUES(version);
SET @sds__sql_version = NULL, @sds__upgrade_from = NULL, @sds__layout = NULL, @sds__site = NULL;
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
SET sql_mode = @sds__sql_mode, @sds__sql_mode = NULL;
