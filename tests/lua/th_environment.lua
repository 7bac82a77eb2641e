#!/usr/bin/env th
-- The environment th gives: globals without require, arg, require/include/dofile of files.
print(type(torch), type(paths), type(sys), type(xlua), type(nn))
print(#arg, arg[1], arg[2], arg[3])
print(type(sys.clock()), paths.basename('/a/b/c.lua'), paths.basename('/a/b/c.lua', 'lua'),
      paths.dirname('/a/b/c.lua'), paths.concat('/a', 'b', '../c'))
print(paths.filep('th_environment.lua'), paths.dirp('modules'), paths.filep('modules'),
      paths.filep('missing.lua'))
print(paths.basename(paths.thisfile()))

-- require: Lua's search, then beside this file; '.' names relative to the calling file
local user = require 'modules.user'
print(user.helper.twice(21), INCLUDED, paths.basename(user.dir))
print(require('modules.user') == user, require('./modules/helper') ~= nil)
print(require('modules.pkg').name)
local ok, err = pcall(require, 'no_such_module_anywhere')
print(ok, err:find("module 'no_such_module_anywhere' not found") ~= nil,
      err:find('no_such_module_anywhere.lua', 1, true) ~= nil)

-- torch and nn as packages: require returns the same table as the global
require 'nn'
print(require('nn') == nn, require('torch') == torch, type(nn.Linear))
dofile('modules/included.lua')
paths.dofile('modules/included.lua')
print(INCLUDED)
print(loadstring('return 1 + 1')(), select('#', unpack({1, 2, 3})), math.max(3, 7),
      string.format('%d%%', 50), os.time() > 0, collectgarbage('count') > 0)
