-- requires a file relative to its own folder ('.' names), and includes one
local helper = require './helper'
include('included.lua')
return {helper = helper, dir = paths.dirname(paths.thisfile())}
