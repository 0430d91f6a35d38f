#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10 only).
# Looks for python3.10 on PATH, then for pyenv's 3.10; stops with a message otherwise.
set -u
ok() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
for candidate in python3.10 python3; do
  path=$(command -v "$candidate" 2>/dev/null) && ok "$path" && { echo "$path"; exit 0; }
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    path="$(pyenv root)/versions/$version/bin/python3.10"
    ok "$path" && { echo "$path"; exit 0; }
  done
fi
echo "Python 3.10 is required (Rasa 3.6 supports Python 3.8-3.10). Install it, e.g. 'pyenv install 3.10', and try again." >&2
exit 1
