#!/usr/bin/env bash
# Every command that README.md and docs/*.md show is a tested command
# (CTest case doc_commands; label slow: about 30-40 s in a release build).
#
#   tests/doc_commands.sh SOURCE_DIR METAPLAST WORK_DIR [DOC.md ...]
#
# What is extracted. From the shell code blocks of each document (indented
# blocks and ``` fences without a language or with sh/bash/console; json, c,
# make... fences are not commands) every line whose first word (after
# VAR=value assignments) is one of
#   metaplast, ./build/metaplast, build/metaplast   the CLI
#   bash .ci/NAME                                    the CI scripts
#   cmake                                            configure, build, install
#   a script path (dir/x.sh, dir/x.py), alone or after python3 or /usr/bin/python3
# Lines ending in '\' are joined with the next, "# ..." comments are cut,
# "A && B" is checked as A then B, and a "for ...; do" ... "done" block is one
# command. Lines starting "metaplast:" are printed messages, not commands.
# Other commands (apt-get, npm, ls, make, cc, pkg-config) are not checked
# here: the out-of-tree build that docs/writing-a-rule.md shows with make, cc
# and pkg-config is the test plugin_out_of_tree.
#
# How each is checked (commands of one document run in order, in one
# scratch directory WORK_DIR/<doc> that holds links to the source tree's
# folders but build/ and out*/ (so paths are as written, and what the
# commands write to out/ stays in the scratch directory); METAPLAST_PLUGIN_PATH is unset, as in a
# user's shell):
#   run fully, as written: metaplast check, plugins, version, help, any
#       --help, and meta --evaluate (one evaluation);
#   run capped (the same command with one more option appended, which wins):
#       metaplast run:  --duration 200 (spiking) or --set training.samples=20
#                       (rate models, those with "training"), so parsing,
#                       files, plugins, options and the first steps all run;
#       metaplast meta: --max-iterations 1, and --max-iterations 2 for
#                       --resume DIR, which resumes the run an earlier command
#                       of the same document left in DIR;
#       cmake --install build --prefix P: into WORK_DIR/<doc>/prefix;
#   only checked:
#       synopsis lines (placeholders: MODEL.json, DIR, RULE..., [--opt], [COMMAND]):
#           every --option in them is in `metaplast COMMAND --help`;
#       bash .ci/NAME and *.sh scripts: the file exists and `bash -n`/`sh -n`
#           parses it; *.py scripts: the file exists and Python parses it;
#           a script run directly must be executable; every --option in the
#           command appears in the script or in a .py beside it that it
#           names (run_bench.sh execs run_bench.py; b2common.py holds the
#           common options of the Brian2 scripts). Benchmarks, reproductions
#           and .ci/test run for minutes to hours, so they are not run here;
#       cmake -S . -B build / cmake --build build: the commands that made the
#           build this test runs in; a --target must be a target of the
#           project's CMakeLists.txt.
# docs/writing-a-rule.md runs in a directory like the tutorial reader's:
# my_rule.c and my_rate_rule.c taken from the document's C blocks and compiled against
# include/ (as its cc line does, without pkg-config), and tests/oot/model.json
# (the model the document points to) as model.json.
#
# The test fails when a command exits non-zero (an unknown option, a missing
# file, a bad model...), a check above fails, or a document yields no
# command at all.
set -u

SRC=$(cd "$1" && pwd)
REAL_CLI=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
WORK=$3
shift 3
if [ $# -gt 0 ]; then docs=("$@"); else
  docs=(README.md)
  for f in "$SRC"/docs/*.md; do docs+=("docs/$(basename "$f")"); done
fi
BUILD_DIR=$(dirname "$REAL_CLI")
rm -rf "$WORK"
mkdir -p "$WORK"
unset METAPLAST_PLUGIN_PATH
failures=0
n_total=0

fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}

# ---- extraction: "LINE<TAB>COMMAND" per command of one document ----------------
extract() {
  awk '
    function flush_loop() { if (loop != "") { print loop_line "\t" loop " done"; loop = "" } }
    FNR == 1 { fence = 0; shell = 0; cont = ""; loop = "" }
    /^[ \t]*```/ {
      if (!fence) { fence = 1; lang = $0; sub(/^[ \t]*```/, "", lang)
                    shell = (lang == "" || lang ~ /^(sh|bash|shell|console)$/) }
      else fence = 0
      next
    }
    {
      code = fence ? shell : ($0 ~ /^    /)
      if (!code) { cont = ""; flush_loop(); next }
      line = $0
      sub(/^[ \t]+/, "", line)
      if (cont != "") line = cont " " line
      else start = FNR
      if (line ~ /\\$/) { cont = substr(line, 1, length(line) - 1); next }
      cont = ""
      sub(/(^|[ \t]+)#.*$/, "", line)
      sub(/[ \t]+$/, "", line)
      if (line == "") next
      if (loop != "") {
        if (line ~ /^done/) flush_loop()
        else loop = loop " " line ";"
        next
      }
      if (line ~ /^for .*; *do$/) { loop = line; loop_line = start; next }
      print start "\t" line
    }
    END { flush_loop() }
  ' "$1"
}

# First word after VAR=value assignments.
first_word() {
  local w
  for w in $1; do
    case $w in
      [A-Za-z_]*=*) continue ;;
      *) echo "$w"; return ;;
    esac
  done
}

options_of() { grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u; }

# ---- the stand-in for metaplast: the same command with a cap appended ---------------
write_wrapper() {
  cat >"$1" <<EOF
#!/usr/bin/env bash
# doc_commands.sh: metaplast with the cap that tests/doc_commands.sh describes
caps=()
case \${1:-} in
  run)
    model=
    for a in "\${@:2}"; do
      case \$a in -*) ;; *) model=\$a; break ;; esac
    done
    if [ -f "\$model" ] && grep -q '"training"' "\$model"; then
      caps=(--set training.samples=20)
    else
      caps=(--duration 200)
    fi ;;
  meta)
    case " \$* " in
      *" --evaluate "*) ;;
      *" --resume "*) caps=(--max-iterations 2) ;;
      *) caps=(--max-iterations 1) ;;
    esac ;;
esac
case " \$* " in *" --help "* | *" -h "*) caps=() ;; esac
"$REAL_CLI" "\$@" "\${caps[@]}"
rc=\$?
echo "exit \$rc: metaplast \$* \${caps[*]}" >>"$WORK/invocations.log"
exit \$rc
EOF
  chmod +x "$1"
}

# ---- checks -------------------------------------------------------------------------
check_script_options() { # script command
  local s=$1 o f
  local texts=("$s")
  for f in "$(dirname "$s")"/*.py; do # the files beside it that it names
    grep -qF "$(basename "${f%.py}")" "$s" && texts+=("$f")
  done
  for o in $(options_of "$2"); do
    grep -qF -- "$o" "${texts[@]}" || { echo "unknown option $o for $s"; return 1; }
  done
}

check_script() { # where command
  local where=$1 cmd=$2 w script direct=1 interp=
  read -ra words <<<"$cmd"
  for w in "${words[@]}"; do
    case $w in
      [A-Za-z_]*=*) continue ;;
      bash | sh | python3 | /usr/bin/python3) interp=$w; direct=0; continue ;;
      *) script=$w; break ;;
    esac
  done
  local f=$SRC/$script msg
  if [ ! -f "$f" ]; then fail "$where: $cmd: no file $script"; return; fi
  if [ $direct = 1 ] && [ ! -x "$f" ]; then fail "$where: $cmd: $script is not executable"; return; fi
  case $f in
    *.py) msg=$(python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f" 2>&1) ;;
    *)
      local sh=bash
      [ -z "$interp" ] && head -1 "$f" | grep -qE '^#! */bin/sh' && sh=sh
      [ "$interp" = sh ] && sh=sh
      msg=$($sh -n "$f" 2>&1) ;;
  esac || { fail "$where: $cmd: $script does not parse: $msg"; return; }
  msg=$(check_script_options "$f" "$cmd") || { fail "$where: $cmd: $msg"; return; }
  echo "checked  $where: $cmd"
}

check_synopsis() { # where command
  local sub o help
  sub=$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /metaplast$/) { print $(i + 1); exit } }' <<<"$2")
  help=$("$REAL_CLI" "$sub" --help 2>&1) || { fail "$1: $2: 'metaplast $sub --help' fails"; return; }
  for o in $(options_of "$2"); do
    grep -qF -- "$o" <<<"$help" || { fail "$1: $2: metaplast $sub has no option $o"; return; }
  done
  echo "checked  $1: $2 (synopsis)"
}

check_cmake() { # where command scratch
  local where=$1 cmd=$2 t
  case " $cmd " in
    *" --install "*)
      local prefixed
      prefixed=$(sed -E "s# --prefix +[^ ]+# --prefix $3/prefix#; s#--install +build#--install $BUILD_DIR#" <<<"$cmd")
      if ! out=$(bash -c "$prefixed" 2>&1); then fail "$where: $cmd: $(tail -5 <<<"$out")"; return; fi
      echo "capped   $where: $cmd (as $prefixed)" ;;
    *" --target "*)
      t=$(sed -E 's/.*--target +([^ ]+).*/\1/' <<<"$cmd")
      grep -qE "add_(executable|library|custom_target)\($t[ )]" "$SRC/CMakeLists.txt" ||
        { fail "$where: $cmd: no target $t in CMakeLists.txt"; return; }
      echo "checked  $where: $cmd (target $t exists)" ;;
    *) echo "checked  $where: $cmd (made the build this test runs in)" ;;
  esac
}

run_metaplast() { # where command scratch
  local out rc
  : >"$WORK/invocations.log"
  out=$(cd "$3" && PATH="$3/build:$PATH" timeout 300 bash -e -c "$2" 2>&1)
  rc=$?
  local bad
  bad=$(grep -v '^exit 0:' "$WORK/invocations.log")
  if [ $rc -ne 0 ] || [ -n "$bad" ] || [ ! -s "$WORK/invocations.log" ]; then
    fail "$1: $2: exit $rc${bad:+ ($bad)}"
    tail -15 <<<"$out" | sed 's/^/    /'
    return
  fi
  local how=run
  grep -qE -- '--(duration 200|set training.samples=20|max-iterations [12])$' \
    "$WORK/invocations.log" && how=capped
  printf '%-8s %s: %s\n' "$how" "$1" "$2"
  sed 's/^exit 0: /           as: /' "$WORK/invocations.log"
}

# ---- a scratch directory per document -------------------------------------------------
scratch_for() { # doc -> path
  local d=$WORK/$(tr '/.' '__' <<<"$1")
  mkdir -p "$d/build"
  local e
  # not build (the wrapper's) nor out* (ignored output folders: the
  # documents' commands write out/..., which must not replace a
  # developer's results in the source tree)
  for e in "$SRC"/* "$SRC"/.ci; do
    case "$(basename "$e")" in
      build | out*) ;;
      *) ln -s "$e" "$d/" ;;
    esac
  done
  write_wrapper "$d/build/metaplast"
  echo "$d"
}

tutorial_setup() { # doc scratch: the reader's directory of docs/writing-a-rule.md
  local msg name
  for name in my_rule my_rate_rule; do # the C blocks that define them
    awk -v want="MP_RULE_DEFINE($name," '/^```c$/ { f = 1; t = ""; next }
         f && /^```/ { f = 0; if (index(t, want)) { printf "%s", t; exit } next }
         f { t = t $0 "\n" }' "$SRC/$1" >"$2/$name.c"
    msg=$(cd "$2" && ${CC:-cc} -std=c11 -O2 -fPIC -fvisibility=hidden -I"$SRC/include" \
          -shared -o $name.so $name.c -lm 2>&1) ||
      fail "$1: the document's $name.c does not compile: $msg"
  done
  cp "$SRC/tests/oot/model.json" "$2/model.json"
}

for doc in "${docs[@]}"; do
  [ -f "$SRC/$doc" ] || { fail "$doc: no such document"; continue; }
  scratch=$(scratch_for "$doc")
  case $doc in */writing-a-rule.md) tutorial_setup "$doc" "$scratch" ;; esac
  n=0
  while IFS=$'\t' read -r lineno cmd; do
    where="$doc:$lineno"
    parts=("$cmd")
    case $cmd in for\ *) ;; *" && "*)
      mapfile -t parts < <(sed 's/ && /\n/g' <<<"$cmd") ;;
    esac
    for part in "${parts[@]}"; do
      w=$(first_word "$part")
      case $w in
        metaplast:) continue ;; # a message the document shows
        for) grep -qE '(^|[ ;/])metaplast ' <<<"$part" || continue
             run_metaplast "$where" "$part" "$scratch" ;;
        metaplast | ./build/metaplast | build/metaplast)
          if grep -qE '\[(--|[A-Z])|[A-Z]{2,}\.json|[A-Z]{2,}\.\.\.|PATH=VALUE| DIR( |$)| \| ' <<<"$part"; then
            check_synopsis "$where" "$part"
          else
            run_metaplast "$where" "$part" "$scratch"
          fi ;;
        cmake) check_cmake "$where" "$part" "$scratch" ;;
        bash) case $part in *.ci/*) check_script "$where" "$part" ;; *) continue ;; esac ;;
        python3 | /usr/bin/python3 | */*.sh | */*.py) check_script "$where" "$part" ;;
        *) continue ;;
      esac
      n=$((n + 1))
    done
  done < <(extract "$SRC/$doc")
  n_total=$((n_total + n))
  echo "== $doc: $n commands"
  if [ "$doc" = README.md ] && [ $n -eq 0 ]; then fail "README.md: no command found"; fi
done

echo "doc_commands: $n_total commands, $failures failed"
[ $failures -eq 0 ]
