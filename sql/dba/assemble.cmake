# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Assembles dba.sql (the frappe_sds DBA database, run once per server) from
# sql/dba/*.sql in name order, replacing @SDS_VERSION@ with the project
# version.
#   cmake -DSRC=<sql/dba dir> -DOUT=<dba.sql> -DVERSION=<x.y.z> -P assemble.cmake
file(GLOB parts "${SRC}/*.sql")
list(SORT parts)
set(text "")
foreach(p IN LISTS parts)
  file(READ "${p}" t)
  string(APPEND text "${t}")
endforeach()
string(REPLACE "@SDS_VERSION@" "${VERSION}" text "${text}")
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
