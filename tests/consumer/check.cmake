# Builds and runs tests/consumer in one mode:
#   cmake -DMODE=subdirectory|package -DWEFT_SOURCE_DIR=... -DWEFT_BINARY_DIR=... -DWORK=... \
#         -DCXX=... -DCXX_FLAGS=... -DGENERATOR=... -P check.cmake
# In package mode weft is first installed from WEFT_BINARY_DIR into WORK/prefix.
set(src ${WEFT_SOURCE_DIR}/tests/consumer)
set(build ${WORK}/${MODE})
file(REMOVE_RECURSE ${build})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(args -S ${src} -B ${build} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    -DCMAKE_BUILD_TYPE=Release -DWEFT_CONSUMER_MODE=${MODE})
if(MODE STREQUAL "package")
  run(${CMAKE_COMMAND} --install ${WEFT_BINARY_DIR} --prefix ${WORK}/prefix)
  list(APPEND args -DCMAKE_PREFIX_PATH=${WORK}/prefix)
else()
  list(APPEND args -DWEFT_SOURCE_DIR=${WEFT_SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} ${args})
run(${CMAKE_COMMAND} --build ${build})
# Each program and the line its output must hold.
foreach(check IN ITEMS "consumer|^answer=42 at 2s\n$" "consumer_explore|^race found, replay fails the same way\n$"
                       "consumer_props|\\[  PASSED  \\] 1 test")
  string(REPLACE "|" ";" check "${check}")
  list(GET check 0 program)
  list(GET check 1 expected)
  run(${build}/${program})
  if(NOT last_output MATCHES "${expected}")
    message(FATAL_ERROR "unexpected output from ${program}: '${last_output}'")
  endif()
endforeach()
message(STATUS "consumer (${MODE}) built and ran weft::weft, weft::sim and weft::props")
