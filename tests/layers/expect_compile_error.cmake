# cmake -DBUILD_DIR=<dir> -DTARGET=<target> -DEXPECT=<regex> -P this file
# Builds TARGET; succeeds only when the build fails with output matching
# EXPECT (a build failing for another reason fails the test too).
execute_process(
  COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled; it must not:\n${out}")
endif()
if(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR
    "${TARGET} failed, but not with /${EXPECT}/:\n${out}")
endif()
message(STATUS "${TARGET} failed to compile, as it must")
