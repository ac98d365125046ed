# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Assembles install.sql from sql/install/*.sql (in name order), replacing
# @SDS_VERSION@ with the project version (CMakeLists.txt's project(), the one
# source of the version for the library and the SQL API alike).
#   cmake -DSRC=<sql/install dir> -DOUT=<install.sql> -DVERSION=<x.y.z> -P assemble_sql.cmake
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
