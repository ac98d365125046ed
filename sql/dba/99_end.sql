-- Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
-- End of dba.sql: record the release, give the session its settings back.
INSERT INTO frappe_sds.sds_dba_install (id, version, installed_at) VALUES (1, '@SDS_VERSION@', NOW())
  ON DUPLICATE KEY UPDATE installed_at = IF(version <> VALUES(version), VALUES(installed_at), installed_at),
                          version = VALUES(version);
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
SET sql_mode = @sds__sql_mode, @sds__sql_mode = NULL;
