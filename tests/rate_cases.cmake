# Rate-network test fixtures (included by tests/CMakeLists.txt): every
# tests/rate_plugins/*.c is a small rate rule built as a MODULE against
# include/ only into <build>/tests/rateplugins/<name>.so; the rate tests
# (tests/test_rate_*.c) load them by path (env MP_RATE_FIXTURES).
set(MP_RATE_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/rateplugins)
file(GLOB MP_RATE_FIXTURE_SOURCES CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/rate_plugins/*.c)
set(MP_RATE_FIXTURE_TARGETS "")
foreach(src ${MP_RATE_FIXTURE_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_library(ratefixture_${name} MODULE ${src})
  target_include_directories(ratefixture_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(ratefixture_${name} PRIVATE m)
  set_target_properties(ratefixture_${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
                        LIBRARY_OUTPUT_DIRECTORY ${MP_RATE_FIXTURE_DIR})
  list(APPEND MP_RATE_FIXTURE_TARGETS ratefixture_${name})
endforeach()
add_custom_target(rate_fixtures DEPENDS ${MP_RATE_FIXTURE_TARGETS})
file(GLOB MP_RATE_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test_rate_*.c)
foreach(src ${MP_RATE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  if(TARGET ${name})
    add_dependencies(${name} rate_fixtures)
    set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
                 "MP_RATE_FIXTURES=${MP_RATE_FIXTURE_DIR}")
  endif()
endforeach()
