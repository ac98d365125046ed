/* Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
   Issue 21 point 1, on SymmetricDS's own engine (hooked into E2E by one step line):
   documents that change company leave the branches that no longer host them — with their
   child rows and their Dynamic-Link rows (File, Comment) — and arrive complete at the
   branches that now host them; a company mapped to a running branch loads there, and
   unmapped it leaves it; none of it by a reload request (docs/routing.md, "Moves").
   The fixture's mapping (E2E): branch-a hosts Wind Power and O'Brien, branch-b Wind Power
   and the tricky name, Rivendell is on no branch. The step leaves the mapping as it found it. */
package e2e;

import static e2e.E2E.*;

import java.util.ArrayList;
import java.util.List;

public class Moves {
    static final String RTPL = "Rivendell Trading Pvt. Ltd.";

    static void file(String db, String name, String doctype, String doc) throws Exception {
        exec(db, "INSERT INTO `tabFile` (name, creation, modified, modified_by, owner, docstatus, idx, file_name, file_url, attached_to_doctype, attached_to_name, is_private)"
                + " VALUES (" + lit(name) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, " + lit(name + ".txt") + ", "
                + lit("/private/files/" + name + ".txt") + ", " + lit(doctype) + ", " + lit(doc) + ", 1)");
    }

    static void comment(String db, String name, String doctype, String doc) throws Exception {
        exec(db, "INSERT INTO `tabComment` (name, creation, modified, modified_by, owner, docstatus, idx, comment_type, reference_doctype, reference_name, content)"
                + " VALUES (" + lit(name) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'Comment', " + lit(doctype) + ", " + lit(doc) + ", 'moved with it')");
    }

    static void employee(String db, String name, String company) throws Exception {
        exec(db, "INSERT INTO `tabEmployee` (name, creation, modified, modified_by, owner, docstatus, idx, first_name, employee_name, company, gender, date_of_birth, date_of_joining)"
                + " VALUES (" + lit(name) + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0, 'Mo', 'Mo Ved', " + lit(company)
                + ", 'Female', '1990-01-01', '2020-01-01')");
        exec(db, "INSERT INTO `tabEmployee Education` (name, creation, modified, modified_by, owner, docstatus, parent, parentfield, parenttype, idx, school_univ)"
                + " VALUES (" + lit(name + "-ed1") + ", NOW(6), NOW(6), 'Administrator', 'Administrator', 0, " + lit(name) + ", 'education', 'Employee', 1, 'Uni')");
    }

    /** the rows of one document and its dependants, as "table:name" (the same list on every node). */
    static final String[][] MV1 = { { "tabSales Invoice", "E2E-MV-1" }, { "tabSales Invoice Item", "E2E-MV-1-i1" },
            { "tabSales Invoice Item", "E2E-MV-1-i2" }, { "tabFile", "E2E-MV-F1" }, { "tabComment", "E2E-MV-C1" } };
    static final String[][] EMP = { { "tabEmployee", "E2E-MV-E1" }, { "tabEmployee Education", "E2E-MV-E1-ed1" } };
    static final String[][] MV2 = { { "tabSales Invoice", "E2E-MV-2" }, { "tabSales Invoice Item", "E2E-MV-2-i1" },
            { "tabComment", "E2E-MV-C2" } };

    /** how many of the rows are on db. */
    static int has(String db, String[][] rows) throws Exception {
        int n = 0;
        for (String[] r : rows) n += cnt(db, r[0], r[1]);
        return n;
    }

    static String where(String db, String[][] rows) throws Exception {
        List<String> s = new ArrayList<>();
        for (String[] r : rows) if (cnt(db, r[0], r[1]) > 0) s.add(r[1]);
        return s.toString();
    }

    /** every company-routed table the census knows, with the company's rows on db. */
    static long companyRows(String db, String company) throws Exception {
        String c = lit(company);
        return num(db, "select count(*) from tabCompany where name = " + c)
                + num(db, "select count(*) from `tabSales Invoice` where company = " + c)
                + num(db, "select count(*) from `tabSales Invoice Item` i join `tabSales Invoice` p on p.name = i.parent where p.company = " + c)
                + num(db, "select count(*) from `tabGL Entry` where company = " + c)
                + num(db, "select count(*) from `tabAccount` where company = " + c)
                + num(db, "select count(*) from `tabStock Ledger Entry` where company = " + c)
                + num(db, "select count(*) from `tabItem Default` where company = " + c);
    }

    static long reloads() throws Exception {
        return num(M, "select count(*) from sym_table_reload_request")
                + num(M, "select count(*) from sym_node_security where initial_load_enabled = 1");
    }

    static long reloadBatches() throws Exception {
        return num(M, "select count(*) from sym_outgoing_batch where channel_id = 'frappe_reload' and node_id like 'branch-%'");
    }

    static void run() throws Exception {
        String a = BDB.get("branch-a"), b = BDB.get("branch-b");
        show(M, "select table_name, scope, company_source from sds_plan where table_name in ('tabFile', 'tabComment', 'tabEmployee', 'tabEmployee Education')");
        // ---- the documents, at home on their branches
        insertInvoice(M, "E2E-MV-1", OBS, 2);
        file(M, "E2E-MV-F1", "Sales Invoice", "E2E-MV-1");
        comment(M, "E2E-MV-C1", "Sales Invoice", "E2E-MV-1");
        employee(M, "E2E-MV-E1", OBS);
        insertInvoice(M, "E2E-MV-2", WP, 1);
        comment(M, "E2E-MV-C2", "Sales Invoice", "E2E-MV-2");
        check("O'Brien's invoice (2 items, a File, a Comment) and Employee (an education row) reached branch-a",
                waitFor("E2E-MV-1 and E2E-MV-E1 on branch-a", 120, () -> has(a, MV1) == MV1.length && has(a, EMP) == EMP.length));
        check("Wind Power's invoice (an item, a Comment) reached both branches",
                waitFor("E2E-MV-2 on both branches", 120, () -> has(a, MV2) == MV2.length && has(b, MV2) == MV2.length));
        quiet(120);
        check("before the moves: nothing of them on branch-b but Wind Power's", has(b, MV1) + has(b, EMP) == 0);
        long r0 = reloads(), rb0 = reloadBatches();

        // ---- moves: O'Brien (branch-a only) -> tricky (branch-b only); Wind Power (both) -> O'Brien (branch-a)
        exec(M, "UPDATE `tabSales Invoice` SET company = " + lit(TRICKY) + ", modified = NOW(6) WHERE name = 'E2E-MV-1'");
        exec(M, "UPDATE `tabEmployee` SET company = " + lit(TRICKY) + ", modified = NOW(6) WHERE name = 'E2E-MV-E1'");
        exec(M, "UPDATE `tabSales Invoice` SET company = " + lit(OBS) + ", modified = NOW(6) WHERE name = 'E2E-MV-2'");
        boolean moved = waitFor("the moved documents on their new branches only", 120,
                () -> has(b, MV1) == MV1.length && has(b, EMP) == EMP.length && has(a, MV1) + has(a, EMP) == 0
                        && has(b, MV2) == 0 && has(a, MV2) == MV2.length);
        if (!moved)
            for (String n : BDB.keySet())
                say("    " + n + ": invoice 1 " + where(BDB.get(n), MV1) + ", employee " + where(BDB.get(n), EMP) + ", invoice 2 " + where(BDB.get(n), MV2));
        check("the invoice moved to the tricky company is on branch-b with its items, File and Comment", has(b, MV1) == MV1.length);
        check("... and gone from branch-a, with its items, File and Comment", has(a, MV1) == 0);
        check("the Employee moved to the tricky company is on branch-b with its child row, gone from branch-a",
                has(b, EMP) == EMP.length && has(a, EMP) == 0);
        check("the invoice moved from Wind Power to O'Brien left branch-b, stayed whole on branch-a (it hosts both)",
                has(b, MV2) == 0 && has(a, MV2) == MV2.length);
        quiet(120);
        check("the moves queued no reload (sym_table_reload_request, initial load) and sent no batch on frappe_reload",
                reloads() == r0 && reloadBatches() == rb0);
        for (String n : BDB.keySet()) check(n + ": after the moves, exactly its companies' rows", isolation(n, false));

        // ---- a company mapped to a running branch loads there; unmapped, it leaves
        long rtpl = companyRows(M, RTPL);
        check("the fixture has Rivendell rows to load and to remove (" + rtpl + ")", rtpl > 5 && companyRows(a, RTPL) == 0);
        long t0 = System.currentTimeMillis();
        client(M, "CALL sds_map_company(" + lit(RTPL) + ", 'branch-a');");
        figure("moves_map_call_s", (System.currentTimeMillis() - t0) / 1000.0);
        check("Rivendell mapped to branch-a: its rows load there", waitFor("Rivendell's rows on branch-a", 180,
                () -> companyRows(a, RTPL) == rtpl));
        quiet(120);
        for (String n : BDB.keySet()) check(n + ": after the mapping, exactly its companies' rows", isolation(n, false));
        // a document of the company written while it is mapped reaches branch-a live (it must
        // leave with the rest: without the deletes it stays, whatever the mapping loaded)
        insertInvoice(M, "E2E-MV-R1", RTPL, 1);
        check("a Rivendell invoice written now reaches branch-a", waitFor("E2E-MV-R1 on branch-a", 120,
                () -> cnt(a, "tabSales Invoice Item", "E2E-MV-R1-i1") == 1));
        long r1 = reloads();
        t0 = System.currentTimeMillis();
        client(M, "CALL sds_unmap_company(" + lit(RTPL) + ", 'branch-a');");
        figure("moves_unmap_call_s", (System.currentTimeMillis() - t0) / 1000.0);
        check("Rivendell unmapped from branch-a: its rows leave branch-a", waitFor("no Rivendell row on branch-a", 120,
                () -> companyRows(a, RTPL) == 0));
        quiet(120);
        check("the unmapping queued no reload", reloads() == r1);
        for (String n : BDB.keySet()) check(n + ": after the unmapping, exactly its companies' rows", isolation(n, true));
        check("the master's Rivendell rows stayed", companyRows(M, RTPL) == rtpl + 2);
    }
}
