# Adds every immediate subdirectory of the current source directory that has a CMakeLists.txt,
# so a new module (dataplane/rtmp, tests/unit/rtc, ...) needs no edit outside its own folder.
function(ringcast_add_module_subdirectories)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# ringcast_module_library(NAME name [PUBLIC_LIBRARIES ...] [PRIVATE_LIBRARIES ...])
# A static library of every .cpp in the current folder. Headers are included as "<folder>/x.hpp"
# relative to dataplane/ (or controlplane/), so the folder is the namespace.
function(ringcast_module_library)
  cmake_parse_arguments(ARG "" "NAME;INCLUDE_ROOT" "PUBLIC_LIBRARIES;PRIVATE_LIBRARIES" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(NOT sources)
    # A module with headers only so far.
    add_library(${ARG_NAME} INTERFACE)
    target_include_directories(${ARG_NAME} INTERFACE ${ARG_INCLUDE_ROOT})
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_PUBLIC_LIBRARIES})
    return()
  endif()
  add_library(${ARG_NAME} STATIC ${sources})
  target_include_directories(${ARG_NAME} PUBLIC ${ARG_INCLUDE_ROOT})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_PUBLIC_LIBRARIES} PRIVATE ${ARG_PRIVATE_LIBRARIES} ringcast_warnings)
endfunction()
