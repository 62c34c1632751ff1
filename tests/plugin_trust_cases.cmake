# Trusted plugins only (--trusted-plugins-only, METAPLAST_TRUSTED_PLUGINS_ONLY,
# MP_LOAD_TRUSTED_PLUGINS_ONLY): a model naming a plugin file outside the
# search path is refused with the option and loaded without it; neither ".."
# nor a symlink leads out; files on the search path, named by path or by
# name, are loaded. tests/plugin_trust/run_trust.cmake builds the cases.
add_test(NAME plugin_trusted_only
         COMMAND ${CMAKE_COMMAND}
                 -DCLI=$<TARGET_FILE:metaplast_cli>
                 -DPLUGIN_DIR=${CMAKE_BINARY_DIR}/plugins
                 -DMODEL=${PROJECT_SOURCE_DIR}/models/vogels2011_single_neuron.json
                 -DWORK=${CMAKE_CURRENT_BINARY_DIR}/plugin_trust
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/plugin_trust/run_trust.cmake)
