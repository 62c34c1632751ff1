# Layering of core/ (docs/design-notes.md "The network front"): the spiking
# backend (core/kernel/) and the rate backend (core/rate/) include nothing
# of each other, and the CLI includes no internal header but its own.
add_test(NAME layout_includes
         COMMAND ${CMAKE_COMMAND} -DMP_SOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/include_rules.cmake)
