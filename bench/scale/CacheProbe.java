/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Does SymmetricDS 3.15.9's table-model cache serve a load's lookups after a trigger build?
   (bench/RESULTS.scale.md, 3.2.) On a site database it reads N tables the way the trigger
   build does (AbstractDatabasePlatform.getTableFromCache with the platform's default catalog,
   TriggerRouterService.getTablesForTrigger) and then looks the same tables up the way a load
   does (catalog of the trigger history: blank for frappe_sds's triggers), and prints the
   statements the server ran and the time for each pass.
   args: JDBC_URL N */
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.jumpmind.db.platform.mariadb.MariaDBDatabasePlatform;
import org.jumpmind.db.sql.SqlTemplateSettings;
import org.mariadb.jdbc.MariaDbDataSource;

public class CacheProbe {
    static long questions(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show global status like 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    public static void main(String[] a) throws Exception {
        MariaDbDataSource ds = new MariaDbDataSource(a[0]);
        int n = Integer.parseInt(a[1]);
        MariaDBDatabasePlatform p = new MariaDBDatabasePlatform(ds, new SqlTemplateSettings());
        List<String> tables = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select table_name from information_schema.tables where table_schema = database() and table_name like 'tab%' order by 1 limit " + n)) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            String cat = p.getDefaultCatalog();
            String[][] passes = { { "trigger build (catalog " + cat + ")", cat }, { "again, same key", cat },
                    { "load (blank catalog, as trigger_hist)", null }, { "load again", null } };
            for (String[] pass : passes) {
                long q0 = questions(c), t0 = System.nanoTime();
                for (String t : tables) p.getTableFromCache(pass[1], null, t, false);
                long t1 = System.nanoTime(), q1 = questions(c);
                System.out.printf("%-40s %4d tables: %6d statements, %8.1f ms (%.1f ms per table)%n", pass[0], tables.size(),
                        q1 - q0 - 1, (t1 - t0) / 1e6, (t1 - t0) / 1e6 / tables.size());
            }
        }
    }
}
