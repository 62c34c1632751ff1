# The comparison of an invalid-input case's message with its `expected`
# file, shared by run_check_case.cmake and run_meta_case.cmake (included with
# include(); tests/test_model_cases.c does the same in C):
#
#   the first line of the message, without the CLI's "metaplast: " prefix,
#   must equal the first line of `expected` exactly; `<...>` in it stands
#   for any text (only for what differs between machines: the plugin
#   directories searched); each further non-empty line of `expected` must
#   occur somewhere in the output.

# Scripts run with -P get the oldest policies; these functions are written
# for the project's (CMakeLists.txt).
cmake_policy(VERSION 3.20)

# First line of text (without its newline).
function(mp_first_line text var)
  string(FIND "${text}" "\n" nl)
  if(NOT nl EQUAL -1)
    string(SUBSTRING "${text}" 0 ${nl} text)
  endif()
  string(REGEX REPLACE "\r$" "" text "${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

# ok = whether got equals want, `<...>` in want matching any text.
function(mp_match_line got want ok)
  set(${ok} FALSE PARENT_SCOPE)
  string(FIND "${want}" "<...>" at)
  if(at EQUAL -1)
    if(got STREQUAL want)
      set(${ok} TRUE PARENT_SCOPE)
    endif()
    return()
  endif()
  # Literal pieces between the placeholders: the first must start got, the
  # last must end it, the others occur in order between.
  set(first TRUE)
  while(TRUE)
    string(FIND "${want}" "<...>" at)
    if(at EQUAL -1)
      string(LENGTH "${got}" ng)
      string(LENGTH "${want}" nw)
      if(nw GREATER ng)
        return()
      endif()
      math(EXPR from "${ng} - ${nw}")
      string(SUBSTRING "${got}" ${from} -1 tail)
      if(tail STREQUAL want)
        set(${ok} TRUE PARENT_SCOPE)
      endif()
      return()
    endif()
    string(SUBSTRING "${want}" 0 ${at} piece)
    math(EXPR rest "${at} + 5")
    string(SUBSTRING "${want}" ${rest} -1 want)
    string(LENGTH "${piece}" np)
    if(first)
      string(SUBSTRING "${got}" 0 ${np} head)
      if(NOT head STREQUAL piece)
        return()
      endif()
      set(pos 0)
      set(first FALSE)
    else()
      string(FIND "${got}" "${piece}" pos)
      if(pos EQUAL -1)
        return()
      endif()
    endif()
    math(EXPR cut "${pos} + ${np}")
    string(SUBSTRING "${got}" ${cut} -1 got)
  endwhile()
endfunction()

# Fails (FATAL_ERROR naming what) unless each non-empty line of `lines`
# occurs somewhere in got. ';' and '[ ]' are special in CMake lists: they are
# encoded on both sides before the text is split into lines.
function(mp_expect_lines what lines got)
  foreach(var lines got)
    string(REPLACE ";" "<semi>" ${var} "${${var}}")
    string(REPLACE "[" "<lb>" ${var} "${${var}}")
    string(REPLACE "]" "<rb>" ${var} "${${var}}")
  endforeach()
  string(REPLACE "\n" ";" lines "${lines}")
  foreach(line IN LISTS lines)
    if(line STREQUAL "")
      continue()
    endif()
    string(FIND "${got}" "${line}" pos)
    if(pos EQUAL -1)
      string(REPLACE "<semi>" ";" line "${line}")
      string(REPLACE "<lb>" "[" line "${line}")
      string(REPLACE "<rb>" "]" line "${line}")
      message(FATAL_ERROR "${what}: the output lacks\n  ${line}\n")
    endif()
  endforeach()
endfunction()

# Fails (FATAL_ERROR naming what) unless err matches the expected file.
function(mp_expect_message what err expected_file)
  file(READ ${expected_file} want)
  mp_first_line("${err}" got1)
  string(REGEX REPLACE "^metaplast: " "" got1 "${got1}")
  mp_first_line("${want}" want1)
  mp_match_line("${got1}" "${want1}" ok)
  if(NOT ok)
    message(FATAL_ERROR "${what}: the message's first line differs\n"
                        "  got:  ${got1}\n  want: ${want1}\nfull output:\n${err}")
  endif()
  string(FIND "${want}" "\n" nl)
  if(NOT nl EQUAL -1)
    math(EXPR nl "${nl} + 1")
    string(SUBSTRING "${want}" ${nl} -1 more)
    mp_expect_lines("${what}" "${more}" "${err}")
  endif()
endfunction()
