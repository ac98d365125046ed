# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Assembles install.sql from sql/install/*.sql (in name order), and
# uninstall.sql from sql/uninstall.sql with the list of what install.sql
# creates, so neither list is kept by hand:
#  * @SDS_VERSION@ -> the project version (CMakeLists.txt's project(), the
#    one source of the version for the library and the SQL API alike);
#  * @SDS_SYM_TABLES@, @SDS_SYM_TABLES_N@ -> the SymmetricDS tables frappe_sds
#    needs (quoted) and their number;
#  * @SDS_OWN_VIEWS@ -> the quoted names of the views the parts create, and
#    of those an earlier release created that 05_upgrade.sql drops
#    (00_install.sql's check that every other sds_* object is a base table);
#  * in uninstall.sql, @SDS_UNINSTALL_DROPS@ -> a DROP ... IF EXISTS for each
#    view, procedure, stored function and table the parts create (and each
#    view or function 05_upgrade.sql drops: a site of an older release),
#    @SDS_UNINSTALL_UDFS@ -> a conditional DROP FUNCTION for each UDF,
#    @SDS_UNINSTALL_UDF_LIST@ -> their names. Objects are found by the
#    statements that create them, as they are written in the parts:
#      CREATE PROCEDURE sds_x(            CREATE [OR REPLACE] FUNCTION sds_x(
#      CREATE TABLE IF NOT EXISTS sds_x (  ... VIEW sds_x AS
#      CREATE [AGGREGATE] FUNCTION IF NOT EXISTS sds_x RETURNS <type> SONAME
#    Triggers go with their tables; temporary tables are not objects.
#    uninstall.sql's line "... reads (kept while it does): a b c" names the
#    objects dropped only while SymmetricDS's configuration does not read
#    them (@SDS_UNINSTALL_KEPT@ -> their quoted names).
#   cmake -DSRC=<sql/install dir> -DOUT=<install.sql> -DVERSION=<x.y.z>
#         [-DUNINSTALL_IN=<sql/uninstall.sql> -DUNINSTALL_OUT=<uninstall.sql>]
#         -P assemble_sql.cmake
# With -DPARTS_ONLY=ON (dba.sql, the frappe_sds DBA database, from
# sql/dba/*.sql) only the parts in name order and @SDS_VERSION@.
file(GLOB parts "${SRC}/*.sql")
list(SORT parts)
set(text "")
foreach(p IN LISTS parts)
  file(READ "${p}" t)
  string(APPEND text "${t}")
endforeach()
string(REPLACE "@SDS_VERSION@" "${VERSION}" text "${text}")
if(PARTS_ONLY)
  file(WRITE "${OUT}.tmp" "${text}")
  file(RENAME "${OUT}.tmp" "${OUT}")
  return()
endif()
# @SDS_SYM_TABLES@ / @SDS_SYM_TABLES_N@: the SymmetricDS tables frappe_sds
# needs, quoted, and their number (install.sql's precondition and
# sds__require_sym_tables: one list)
set(sym_tables sym_node_group sym_node_group_link sym_channel sym_router sym_trigger
    sym_trigger_router sym_conflict sym_load_filter sym_node sym_trigger_hist
    sym_table_reload_request)
list(LENGTH sym_tables sym_n)
list(JOIN sym_tables "', '" sym_q)
string(REPLACE "@SDS_SYM_TABLES@" "'${sym_q}'" text "${text}")
string(REPLACE "@SDS_SYM_TABLES_N@" "${sym_n}" text "${text}")

# `out` plus the names captured by group 1 of `re` in `text`, sorted,
# without duplicates
function(sds_names out re)
  string(REGEX MATCHALL "${re}" hits "${text}")
  set(names "${${out}}")
  foreach(h IN LISTS hits)
    string(REGEX REPLACE "^${re}$" "\\1" n "${h}")
    list(APPEND names "${n}")
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(SORT names)
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

set(id "(sds_[A-Za-z0-9_]+)")
foreach(kind views old_views procs funcs tables udfs old_udfs)
  set(${kind} "")
endforeach()
sds_names(views "VIEW ${id} AS")
sds_names(old_views "\nDROP VIEW IF EXISTS ${id}")
sds_names(procs "\nCREATE PROCEDURE ${id}\\(")
sds_names(funcs "\nCREATE FUNCTION ${id}\\(")
sds_names(funcs "\nCREATE OR REPLACE FUNCTION ${id}\\(")
sds_names(tables "\nCREATE TABLE IF NOT EXISTS ${id} \\(")
sds_names(udfs "\nCREATE FUNCTION IF NOT EXISTS ${id} RETURNS [A-Z]+ SONAME")
sds_names(udfs "\nCREATE AGGREGATE FUNCTION IF NOT EXISTS ${id} RETURNS [A-Z]+ SONAME")
sds_names(old_udfs "\nDROP FUNCTION IF EXISTS ${id}")
foreach(kind views procs funcs tables udfs)
  list(LENGTH ${kind} n)
  if(n EQUAL 0)
    message(FATAL_ERROR "assemble_sql: no ${kind} found in ${SRC}")
  endif()
endforeach()

set(own_views ${views} ${old_views})
list(REMOVE_DUPLICATES own_views)
list(SORT own_views)
set(q "")
foreach(v IN LISTS own_views)
  list(APPEND q "'${v}'")
endforeach()
list(JOIN q ", " q)
string(REPLACE "@SDS_OWN_VIEWS@" "${q}" text "${text}")
set(classic "${text}")
string(REPLACE "@SDS_LAYOUT@" "classic" classic "${classic}")
file(WRITE "${OUT}.tmp" "${classic}")
file(RENAME "${OUT}.tmp" "${OUT}")

# runtime.sql (-DRUNTIME_OUT=...): the same API for a site's runtime
# database (docs/topology.md). Every public routine and view (a name not
# starting with sds__) is created with the locked account
# frappe_sds_runtime as its definer and SQL SECURITY DEFINER: the site's
# user, given EXECUTE on it (frappe_sds.sds_grant_site), runs frappe_sds's
# code with that account's rights, which it cannot replace. The internal
# sds__* routines stay SQL SECURITY INVOKER: they run with the definer's
# rights when a public routine calls them, and nobody may call them directly.
if(RUNTIME_OUT)
  set(rt "${text}")
  string(REPLACE "@SDS_LAYOUT@" "runtime" rt "${rt}")
  set(definer "DEFINER = 'frappe_sds_runtime'@'localhost'")
  # (and the worker's three entry points: frappe_sds.sds_grant_worker
  # gives the site's worker account EXECUTE on them, nobody else has it)
  set(publics sds__worker_event sds__worker_pass sds__worker_record)
  foreach(n IN LISTS procs funcs)
    if(NOT n MATCHES "^sds__")
      list(APPEND publics "${n}")
    endif()
  endforeach()
  foreach(n IN LISTS publics)
    string(REPLACE "DROP PROCEDURE IF EXISTS ${n}//\n" "" rt "${rt}")
    string(REPLACE "DROP FUNCTION IF EXISTS ${n}//\n" "" rt "${rt}")
    set(found 0)
    foreach(kw "PROCEDURE" "FUNCTION" "OR REPLACE FUNCTION")
      string(FIND "${rt}" "\nCREATE ${kw} ${n}(" at)
      if(NOT at EQUAL -1)
        set(found 1)
        math(EXPR at "${at} + 1")
        string(SUBSTRING "${rt}" 0 ${at} head)
        string(SUBSTRING "${rt}" ${at} -1 tail)
        string(FIND "${tail}" "SQL SECURITY INVOKER" sec)
        # the clause must be this routine's: before the next statement
        string(SUBSTRING "${tail}" 1 -1 after)
        string(FIND "${after}" "\nDROP " body)
        string(FIND "${after}" "\nCREATE " body2)
        if(body EQUAL -1 OR (NOT body2 EQUAL -1 AND body2 LESS body))
          set(body ${body2})
        endif()
        if(sec EQUAL -1 OR (NOT body EQUAL -1 AND sec GREATER body))
          message(FATAL_ERROR "assemble_sql: ${n} has no SQL SECURITY INVOKER before its body")
        endif()
        string(SUBSTRING "${tail}" 0 ${sec} t1)
        math(EXPR rest "${sec} + 20")
        string(SUBSTRING "${tail}" ${rest} -1 t2)
        # CREATE OR REPLACE keeps the EXECUTE grants on it (DROP + CREATE
        # would drop them: an upgrade must not take the site's rights away)
        string(REPLACE "CREATE ${kw} ${n}(" "CREATE OR REPLACE ${definer} ${kw} ${n}(" t1 "${t1}")
        string(REPLACE "OR REPLACE ${definer} OR REPLACE FUNCTION" "OR REPLACE ${definer} FUNCTION" t1 "${t1}")
        set(rt "${head}${t1}SQL SECURITY DEFINER${t2}")
        break()
      endif()
    endforeach()
    if(NOT found)
      message(FATAL_ERROR "assemble_sql: cannot find the CREATE of ${n}")
    endif()
  endforeach()
  foreach(v IN LISTS views)
    if(NOT v MATCHES "^sds__")
      # a view made by dynamic SQL: its text is inside a quoted literal
      string(REPLACE "'CREATE OR REPLACE SQL SECURITY INVOKER VIEW ${v} AS"
             "'CREATE OR REPLACE DEFINER = ''frappe_sds_runtime''@''localhost'' SQL SECURITY DEFINER VIEW ${v} AS" rt "${rt}")
      string(REPLACE "CREATE OR REPLACE SQL SECURITY INVOKER VIEW ${v} AS"
             "CREATE OR REPLACE ${definer} SQL SECURITY DEFINER VIEW ${v} AS" rt "${rt}")
    endif()
  endforeach()
  file(WRITE "${RUNTIME_OUT}.tmp" "${rt}")
  file(RENAME "${RUNTIME_OUT}.tmp" "${RUNTIME_OUT}")
endif()

if(NOT UNINSTALL_IN)
  return()
endif()
file(READ "${UNINSTALL_IN}" u)
string(REGEX MATCH "reads \\(kept while it does\\):([ a-z_]+)\n" kept_line "${u}")
if(NOT kept_line)
  message(FATAL_ERROR "assemble_sql: ${UNINSTALL_IN} has no line \"... reads (kept while it does): ...\"")
endif()
string(STRIP "${CMAKE_MATCH_1}" kept)
string(REPLACE " " ";" kept "${kept}")
set(all_objects ${views} ${procs} ${funcs} ${tables})
set(kept_q "")
foreach(k IN LISTS kept)
  list(FIND all_objects "${k}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "assemble_sql: ${UNINSTALL_IN} keeps ${k}, which install.sql does not create")
  endif()
  list(APPEND kept_q "'${k}'")
endforeach()
list(JOIN kept_q ", " kept_q)

# Views first (they read the tables), then routines, then tables (their
# triggers with them). A kept object is dropped by a prepared statement
# that is a no-op while SymmetricDS reads it (@sds__keep_routing).
set(drops "")
macro(sds_drop what name)
  list(FIND kept "${name}" at)
  if(at EQUAL -1)
    string(APPEND drops "DROP ${what} IF EXISTS ${name};\n")
  else()
    string(APPEND drops "SET @sds__s = IF(@sds__keep_routing, 'DO 0', 'DROP ${what} IF EXISTS ${name}');\n"
                        "PREPARE sds__x FROM @sds__s; EXECUTE sds__x;\n")
  endif()
endmacro()
foreach(v IN LISTS own_views)
  sds_drop(VIEW "${v}")
endforeach()
foreach(p IN LISTS procs)
  sds_drop(PROCEDURE "${p}")
endforeach()
foreach(f IN LISTS funcs)
  sds_drop(FUNCTION "${f}")
endforeach()
foreach(t IN LISTS tables)
  sds_drop(TABLE "${t}")
endforeach()

set(all_udfs ${udfs} ${old_udfs})
list(REMOVE_DUPLICATES all_udfs)
list(SORT all_udfs)
set(udf_drops "")
foreach(f IN LISTS all_udfs)
  string(APPEND udf_drops "SET @sds__s = IF(@sds__keep_udfs, 'DO 0', 'DROP FUNCTION IF EXISTS ${f}');\n"
                          "PREPARE sds__x FROM @sds__s; EXECUTE sds__x;\n")
endforeach()
string(REPLACE "@SDS_UNINSTALL_DROPS@\n" "${drops}" u "${u}")
string(REPLACE "@SDS_UNINSTALL_UDFS@\n" "${udf_drops}" u "${u}")
string(REPLACE "@SDS_UNINSTALL_KEPT@" "${kept_q}" u "${u}")
list(JOIN udfs ", " udf_list)
string(REPLACE "@SDS_UNINSTALL_UDF_LIST@" "${udf_list}" u "${u}")
string(REPLACE "@SDS_VERSION@" "${VERSION}" u "${u}")
file(WRITE "${UNINSTALL_OUT}.tmp" "${u}")
file(RENAME "${UNINSTALL_OUT}.tmp" "${UNINSTALL_OUT}")
