-- End of install.sql: restore the session's note setting.
SET sql_notes = @sds__sql_notes, @sds__sql_notes = NULL;
