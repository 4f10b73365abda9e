# mops_layer(<target> DIR <dir> [PUBLIC_HEADERS <header>...])
#
# Gives <target>, whose sources are in ${PROJECT_SOURCE_DIR}/<dir>, the
# include directories of its layer; includes stay root-relative
# ("services/projects/state.h"). Two trees are built at configure time under
# ${PROJECT_BINARY_DIR}/layers/<target>:
#
#   private/  <dir> is a link to the whole source folder: the target's own
#             sources include any of its headers. A PRIVATE include dir.
#   public/   <dir>/<header> is a link to each header of PUBLIC_HEADERS
#             (paths relative to <dir>), and nothing else. An INTERFACE
#             include dir: what every target linking <target> sees of it.
#
# No target has the source root as include dir (the tests excepted, see
# tests/CMakeLists.txt), so including another target's internal header
# fails to compile: "No such file or directory". A public header may include
# only public headers, its own target's or those of the targets it links.
function(mops_layer target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DIR" "PUBLIC_HEADERS")
  if(NOT arg_DIR OR arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "mops_layer(${target} DIR <dir> [PUBLIC_HEADERS <header>...])")
  endif()
  set(src ${PROJECT_SOURCE_DIR}/${arg_DIR})
  set(root ${PROJECT_BINARY_DIR}/layers/${target})
  if(NOT IS_DIRECTORY ${src})
    message(FATAL_ERROR "mops_layer(${target}): no folder ${src}")
  endif()

  # Links only: removing the trees never touches the sources.
  file(REMOVE_RECURSE ${root})
  get_filename_component(parent ${root}/private/${arg_DIR} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${src} ${root}/private/${arg_DIR} SYMBOLIC)
  target_include_directories(${target} PRIVATE ${root}/private)

  file(MAKE_DIRECTORY ${root}/public)
  foreach(header IN LISTS arg_PUBLIC_HEADERS)
    if(NOT EXISTS ${src}/${header})
      message(FATAL_ERROR
        "mops_layer(${target}): public header ${arg_DIR}/${header} missing")
    endif()
    get_filename_component(dir ${root}/public/${arg_DIR}/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${src}/${header} ${root}/public/${arg_DIR}/${header}
         SYMBOLIC)
  endforeach()
  target_include_directories(${target} INTERFACE ${root}/public)
endfunction()
