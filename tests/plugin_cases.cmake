# Plugin ABI tests (included by tests/CMakeLists.txt).
#
# 1. ABI fixtures: every tests/plugins/*.c is a small plugin that breaks one
#    rule of the ABI (bad_*.c) or exercises a corner of the loader (the rest).
#    Each is built as a MODULE, against include/ only, into
#    <build>/tests/badplugins/<name>.so; test_plugin_loader loads them by path.
# 2. plugin_out_of_tree: installs this build into <build>/_install_test,
#    builds tests/oot/ against the installed header and pkg-config alone with
#    the commands of docs/writing-a-rule.md, runs the installed metaplast on a
#    model using that plugin, then does it all again with the tree moved, and
#    builds the embedding example of the README.

set(MP_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/badplugins)
file(GLOB MP_FIXTURE_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/plugins/*.c)
set(MP_FIXTURE_TARGETS "")
foreach(src ${MP_FIXTURE_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_library(fixture_${name} MODULE ${src})
  target_include_directories(fixture_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(fixture_${name} PRIVATE m)
  # Fixtures stand for plugins of any ABI minor: a 1.0 plugin rightly
  # leaves out the fields 1.1 appended.
  target_compile_options(fixture_${name} PRIVATE -Wno-missing-field-initializers)
  set_target_properties(fixture_${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                        LIBRARY_OUTPUT_DIRECTORY ${MP_FIXTURE_DIR})
  list(APPEND MP_FIXTURE_TARGETS fixture_${name})
endforeach()
if(TARGET fixture_odd_name)
  # the loader must derive mp_rule_odd_name_entry from this file name
  set_target_properties(fixture_odd_name PROPERTIES OUTPUT_NAME "libmp_odd-name.v2")
endif()
add_custom_target(plugin_fixtures DEPENDS ${MP_FIXTURE_TARGETS})
foreach(t test_plugin_loader test_plugin_report test_net_sizes test_rule_instance)
  if(TARGET ${t})
    add_dependencies(${t} plugin_fixtures)
  endif()
endforeach()

# Every built plugin exports only its entry symbol (nm -D --defined-only).
add_test(NAME plugin_exports
         COMMAND ${CMAKE_COMMAND} -DPLUGIN_DIR=${CMAKE_BINARY_DIR}/plugins
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/plugins/check_exports.cmake)

add_test(NAME plugin_out_of_tree
         COMMAND ${CMAKE_COMMAND}
                 -DBUILD_DIR=${CMAKE_BINARY_DIR}
                 -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/oot
                 -DDOCS_DIR=${PROJECT_SOURCE_DIR}
                 -DSANITIZE=${MP_SANITIZE} -DC_COMPILER=${CMAKE_C_COMPILER}
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/oot_work
                 -DPREFIX=${CMAKE_BINARY_DIR}/_install_test
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/oot/run_oot.cmake)
set_tests_properties(plugin_out_of_tree PROPERTIES TIMEOUT 300)
