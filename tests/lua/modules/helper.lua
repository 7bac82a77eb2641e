-- a module found beside the script that requires it
local M = {}
function M.twice(x) return 2 * x end
return M
