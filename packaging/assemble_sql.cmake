# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# Assembles install.sql from sql/install/*.sql (in name order), replacing
# @SDS_VERSION@ with the project version (CMakeLists.txt's project(), the one
# source of the version for the library and the SQL API alike), and
# @SDS_OWN_VIEWS@ with the quoted names of the views the parts create
# (00_install.sql's check that every other sds_* object is a base table).
#   cmake -DSRC=<sql/install dir> -DOUT=<install.sql> -DVERSION=<x.y.z> -P assemble_sql.cmake
file(GLOB parts "${SRC}/*.sql")
list(SORT parts)
set(text "")
foreach(p IN LISTS parts)
  file(READ "${p}" t)
  string(APPEND text "${t}")
endforeach()
string(REPLACE "@SDS_VERSION@" "${VERSION}" text "${text}")
string(REGEX MATCHALL "VIEW (sds_[A-Za-z0-9_]+) AS" views "${text}")
set(names "")
foreach(v IN LISTS views)
  string(REGEX REPLACE "^VIEW (sds_[A-Za-z0-9_]+) AS$" "'\\1'" q "${v}")
  list(APPEND names "${q}")
endforeach()
list(REMOVE_DUPLICATES names)
list(SORT names)
list(LENGTH names n)
if(n EQUAL 0)
  message(FATAL_ERROR "assemble_sql: no CREATE ... VIEW sds_* found in ${SRC}")
endif()
list(JOIN names ", " names)
string(REPLACE "@SDS_OWN_VIEWS@" "${names}" text "${text}")
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
