"""Comments stay at their lines: a leading comment block becomes the module docstring, ``--[[ ]]``
blocks become comment lines, trailing comments stay trailing (also on a loop's header line),
comments inside blocks and before ``end`` stay in their block; blank lines between paragraphs
survive."""

from translator import translate

LUA = """\
#!/usr/bin/env th
-- Train a tiny model.
-- Second line of the header.

require 'nn'

--[[ A block comment
spanning two lines ]]
local n = 3 -- three of them

-- the loop
for i = 1, n do -- header note
  -- inside
  print(i)
  -- before end
end

local function f(x)
  --[==[ doc of f ]==]
  return x + 1 -- plus one
end
local t = {
  1, -- first
  2,
}
print(f(1), #t)
-- the end
"""

PY = '''\
#!/usr/bin/env python3
"""Train a tiny model.
Second line of the header.
"""

from luatorch import nn
from luatorch.lua import compat

# A block comment
# spanning two lines
n = 3  # three of them

# the loop
for i in range(1, n + 1):  # header note
    # inside
    print(i)
    # before end


def f(x):
    # doc of f
    return x + 1  # plus one


t = [1, 2]  # first
compat.print(f(1), len(t))
# the end
'''


def test_comments_and_docstring_in_place():
    assert translate(LUA).code == PY


def test_single_line_header_is_a_one_line_docstring():
    code = translate("-- Just one line.\nprint(1)\n").code
    assert code.startswith('"""Just one line."""\n')


def test_comment_after_code_is_not_a_docstring():
    code = translate("print(1)\n-- trailing remark\n").code
    assert '"""' not in code and "# trailing remark" in code


def test_comments_in_if_else_branches():
    lua = "local x = 1\nif x > 0 then\n  -- positive\n  print('p')\nelse\n  -- other\n  print('n')\nend\n"
    code = translate(lua).code
    assert "if x > 0:\n    # positive\n    print(\"p\")\nelse:\n    # other\n    print(\"n\")" in code
