# Copyright (C) 2026 frappe_sds authors. GPLv3, see COPYING.
# ctest core_exports: every global symbol a library of the project defines
# carries the project prefix (sds_), so nothing of ours can clash with the
# server's or another plugin's symbols.
#   cmake -DLIB=<archive or .so> -DNM=<nm> -P cmake/sds_check_exports.cmake
execute_process(COMMAND ${NM} -g --defined-only ${LIB}
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${LIB} failed (${rc})")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(bad "")
set(n 0)
foreach(line IN LISTS lines)
  # "<address> <type> <name>"; member headers ("x.o:") and blanks skipped
  if(line MATCHES "^[0-9a-fA-F]+ [A-Za-z] (.+)$")
    set(sym "${CMAKE_MATCH_1}")
    math(EXPR n "${n} + 1")
    if(NOT sym MATCHES "^sds_")
      list(APPEND bad "${sym}")
    endif()
  endif()
endforeach()
if(n EQUAL 0)
  message(FATAL_ERROR "${LIB}: no defined global symbol read (nm output: ${out})")
endif()
if(bad)
  message(FATAL_ERROR "${LIB}: global symbols without the sds_ prefix: ${bad}")
endif()
message(STATUS "${LIB}: ${n} global symbols, all sds_-prefixed")
