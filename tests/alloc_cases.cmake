# The allocation-failure sweep (tests/test_alloc_failure.c) also fails GSL's
# allocations, which call malloc directly: the library's references to these
# functions are bound to the test's __wrap_ versions at link time.
if(TARGET test_alloc_failure)
  target_link_options(test_alloc_failure PRIVATE
    "LINKER:--wrap=gsl_rng_alloc,--wrap=gsl_rng_free"
    "LINKER:--wrap=gsl_matrix_alloc,--wrap=gsl_matrix_free"
    "LINKER:--wrap=gsl_vector_alloc,--wrap=gsl_vector_free"
    "LINKER:--wrap=gsl_eigen_symmv_alloc,--wrap=gsl_eigen_symmv_free"
    "LINKER:--wrap=gsl_odeiv2_step_alloc,--wrap=gsl_odeiv2_step_free"
    "LINKER:--wrap=gsl_odeiv2_evolve_alloc,--wrap=gsl_odeiv2_evolve_free"
    "LINKER:--wrap=gsl_odeiv2_control_y_new,--wrap=gsl_odeiv2_control_free")
  set_tests_properties(test_alloc_failure PROPERTIES LABELS alloc)
endif()
