-- luatorch prelude: the environment that `th` (torch/trepl) gives a script.
--
-- Globals torch, paths, sys, xlua without require; trepl's print; require of the library's
-- packages and of Lua files beside the calling script; include, paths.dofile; torch.class
-- making Python subclasses; the global `arg`. Loaded after bridge.lua with (B, py, argv0).

local B, py, argv0 = ...
local P = {}
local U, post = B.U, B.post
local py_write, py_write_err = py.write, py.write_err
local raw_stdout, raw_stderr = io.stdout, io.stderr
-- Output goes through Python (so Lua's and the library's output keep their order); bytes that
-- are not UTF-8 cannot cross into Python, so such text goes out through C's stdio instead.
local collecting  -- while print runs: the pieces of its output (see print)
local function write(s)
   if collecting then collecting[#collecting + 1] = s; return end
   if not pcall(py_write, s) then
      py.flush()
      raw_stdout:write(s)
      raw_stdout:flush()
   end
end
local function write_err(s)
   if not pcall(py_write_err, s) then
      py.flush()
      raw_stderr:write(s)
      raw_stderr:flush()
   end
end
local type, tostring, select, next, pcall, xpcall = type, tostring, select, next, pcall, xpcall
local concat = table.concat
-- Torch7 scripts are Lua 5.1 (LuaJIT): give them its names on the newer runtimes too
unpack = unpack or table.unpack
loadstring = loadstring or load
local unpack, loadstring = unpack, loadstring

---------------------------------------------------------------------------------------------
-- Output goes through Python's sys.stdout, so Lua and Python output stay in order.
local function strings_of(fname, ...)
   local n = select('#', ...)
   local parts = {...}
   for i = 1, n do
      local v = parts[i]
      local tv = type(v)
      if tv == 'number' then
         parts[i] = tostring(v)
      elseif tv ~= 'string' then
         error("bad argument #" .. i .. " to '" .. fname .. "' (string expected, got " .. tv .. ")", 3)
      end
   end
   return concat(parts, '', 1, n)
end

local Stream = {}
Stream.__index = Stream
function Stream:write(...) self.emit(strings_of('write', ...)); return self end
function Stream:flush() return self end
function Stream:close() return true end
function Stream:setvbuf() return true end
function Stream:seek() return 0 end
function Stream:lines() return function() return nil end end
function Stream:read() return nil end
Stream.__tostring = function(s) return 'file (' .. s.name .. ')' end
local stdout = setmetatable({emit = write, name = 'stdout'}, Stream)
local stderr = setmetatable({emit = write_err, name = 'stderr'}, Stream)
io.stdout, io.stderr = stdout, stderr
io.write = function(...) write(strings_of('write', ...)); return stdout end

-- Lua's own print, on the same stream
function print_old(...)
   local n = select('#', ...)
   local parts = {...}
   for i = 1, n do parts[i] = tostring(parts[i]) end
   write(concat(parts, '\t', 1, n) .. '\n')
end

---------------------------------------------------------------------------------------------
-- Proxies in pairs/ipairs (LuaJIT reads tables raw; a proxy's fields live in Python).
pairs = B.pairs
ipairs = B.ipairs

---------------------------------------------------------------------------------------------
-- Packages.
local fallbacks = {}   -- Lua implementations used while no Python package exists
local loaded_py = {}

local function python_package(name)
   local m = loaded_py[name]
   if m ~= nil then return m end
   local ok, tag, v = pcall(py.import_package, name)
   if not ok then error(tag, 0) end
   if tag == nil and v == nil then return nil end
   m = post(tag, v)
   loaded_py[name] = m
   return m
end
P.python_package = python_package

-- Torch7's packages require what they build on, which sets those globals too
-- (`require 'nngraph'` alone makes `nn` usable).
local depends_on = {nn = {'torch'}, optim = {'torch'}, nngraph = {'nn'}}

table.insert(package.loaders or package.searchers, 2, function(name)
   local m = python_package(name)
   if m == nil then m = fallbacks[name] end
   if m ~= nil then
      return function()
         for _, dep in ipairs(depends_on[name] or {}) do require(dep) end
         rawset(_G, name, m)
         return m
      end
   end
   return nil
end)

---------------------------------------------------------------------------------------------
-- paths (the part th scripts use; the full package comes with luatorch.paths)
local paths = {}
local function dirname(p)
   if not p:find('/') then return '.' end
   local d = p:gsub('/+[^/]*$', '')
   if d == '' then return '/' end
   return d
end
local function basename(p, ext)
   local b = p:gsub('/+$', ''):match('[^/]*$')
   if ext then
      if ext:sub(1, 1) ~= '.' then ext = '.' .. ext end
      if b:sub(-#ext) == ext then b = b:sub(1, -#ext - 1) end
   end
   return b
end
local function pconcat(...)
   local n = select('#', ...)
   local parts = {...}
   if n == 0 then return py.getcwd() end
   local out = nil
   for i = 1, n do
      local s = parts[i]
      if out == nil or s:sub(1, 1) == '/' then
         out = s
      elseif s ~= '' then
         out = out:gsub('/+$', '') .. '/' .. s
      end
   end
   if out:sub(1, 1) ~= '/' then out = py.getcwd() .. '/' .. out end
   -- remove ./ and dir/../ segments
   local segs = {}
   for seg in out:gmatch('[^/]+') do
      if seg == '..' then
         if #segs > 0 then segs[#segs] = nil end
      elseif seg ~= '.' then
         segs[#segs + 1] = seg
      end
   end
   return '/' .. concat(segs, '/')
end

-- The file of the Lua function `level` frames up (1 = the caller of this function's caller).
local function source_file(level)
   local info = debug.getinfo(level + 1, 'S')
   if info and info.source:sub(1, 1) == '@' then return info.source:sub(2) end
   return nil
end

paths.dirname, paths.basename, paths.concat = dirname, basename, pconcat
paths.filep = function(p) return type(p) == 'string' and py.isfile(p) or false end
paths.dirp = function(p) return type(p) == 'string' and py.isdir(p) or false end
paths.cwd = function() return py.getcwd() end
paths.home = py.home
paths.mkdir = function(p) return py.mkdir(p) end
paths.rmdir = function(p) return py.rmdir(p) end  -- an empty directory: true, or nil and why
paths.extname = function(p)
   local e = basename(p):match('%.([^%.]*)$')
   return e
end
paths.thisfile = function(arg, depth)
   local f = source_file(2 + (depth or 0))
   if f and arg then return pconcat(dirname(f), arg) end
   return f
end
paths.dofile = function(f, depth)
   local file = source_file(2 + (depth or 0))
   local dir = file and dirname(file) or '.'
   return dofile(pconcat(dir, f))
end
paths.dir = function(p)
   local names = {py.listdir(p)}
   if names[1] == nil then return nil end
   table.insert(names, 1, '.')
   table.insert(names, 2, '..')
   return names
end
paths.files = function(p, filter)
   local names = paths.dir(p) or {}
   local i = 0
   return function()
      while true do
         i = i + 1
         local n = names[i]
         if n == nil then return nil end
         if not filter or (type(filter) == 'string' and n:find(filter))
            or (type(filter) == 'function' and filter(n)) then
            return n
         end
      end
   end
end
fallbacks.paths = paths

-- sys
local sys_ = {}
local tic_time = py.clock()
sys_.clock = function() return py.clock() end
sys_.tic = function() tic_time = py.clock(); return tic_time end
sys_.toc = function(verbose)
   local t = py.clock() - tic_time
   if verbose then print(t) end
   return t
end
sys_.sleep = function(s) py.sleep(s) end
sys_.execute = function(cmd)
   local f = io.popen(cmd)
   local s = f:read('*a')
   f:close()
   return (s:gsub('\n$', ''))
end
sys_.fexecute = sys_.execute
sys_.dirname, sys_.concat, sys_.fpath = dirname, pconcat, function() return source_file(2) end
sys_.uname = function() return 'linux' end
sys_.OS = 'linux'
sys_.COLORS = setmetatable({}, {__index = function() return '' end})
fallbacks.sys = sys_

-- xlua: progress bar as xlua draws it (bar, ETA or total time, step time, current/goal)
local xlua_ = {}
do
   -- at most two units, as xlua.formatTime: 1D2h, 3m4s, 5s120ms, 0ms
   function xlua_.formatTime(seconds)
      local total = math.floor(seconds * 1000 + 0.5)
      local parts = {
         {math.floor(total / 86400000), 'D'}, {math.floor(total / 3600000) % 24, 'h'},
         {math.floor(total / 60000) % 60, 'm'}, {math.floor(total / 1000) % 60, 's'},
         {total % 1000, 'ms'},
      }
      local out, used = '', 0
      for _, p in ipairs(parts) do
         if p[1] > 0 and used < 2 then out = out .. p[1] .. p[2]; used = used + 1 end
      end
      if out == '' then out = '0ms' end
      return out
   end
   local term_length = math.min(tonumber(os.getenv('COLUMNS') or '') or 80, 120)
   local done_bar, previous = true, -1
   local start_time, first_index
   function xlua_.progress(current, goal)
      local bar_length = term_length - 34
      local percent = math.floor(current * bar_length / goal)
      local parts = {}
      if done_bar and (previous == -1 or percent < previous) then
         done_bar = false
         start_time, first_index = py.clock(), current
      else
         parts[#parts + 1] = '\r'
      end
      previous = percent
      local bar = {' ['}
      for i = 1, bar_length do
         bar[#bar + 1] = (i < percent) and '=' or (i == percent and '>' or '.')
      end
      bar[#bar + 1] = '] '
      parts[#parts + 1] = concat(bar)
      local elapsed = py.clock() - start_time
      local step = current ~= first_index and elapsed / (current - first_index) or 0
      local tm
      if percent < bar_length then
         tm = ' ETA: ' .. xlua_.formatTime(math.max(0, (goal - current) * step))
      else
         tm = ' Tot: ' .. xlua_.formatTime(elapsed)
      end
      tm = tm .. ' | Step: ' .. xlua_.formatTime(step)
      parts[#parts + 1] = tm
      -- back to the middle of the bar for the counter
      parts[#parts + 1] = string.rep('\b', 5 + #tm + math.floor(bar_length / 2))
      parts[#parts + 1] = ' ' .. current .. '/' .. goal .. ' '
      if percent == bar_length then
         done_bar = true
         parts[#parts + 1] = '\n'
      end
      parts[#parts + 1] = '\r'
      io.write(concat(parts))
   end
end
fallbacks.xlua = xlua_

---------------------------------------------------------------------------------------------
-- torch and its Lua-side parts
local torch = python_package('torch')
_G.torch = torch

local new_class = B.function_stub(py.new_class)
function torch.class(name, parent, module)
   if type(name) ~= 'string' then error('torch.class: please provide a class name', 2) end
   if type(parent) == 'table' and not B.is_proxy(parent) then
      parent, module = nil, parent
   end
   local cls, parent_cls = new_class(name, parent)
   local prefix, short = name:match('^(.*)%.([^%.]+)$')
   if module ~= nil then
      module[short or name] = cls
   elseif prefix then
      local pkg = _G[prefix]
      if pkg == nil then pkg = {}; _G[prefix] = pkg end
      pkg[short] = cls
   else
      _G[name] = cls
   end
   return cls, parent_cls
end

do
   local py_type, py_typename, py_isTypeOf = torch.type, torch.typename, torch.isTypeOf
   local py_isTensor, py_isStorage = torch.isTensor, torch.isStorage
   local is_proxy = B.is_proxy
   torch.type = function(x)
      if is_proxy(x) then return py_type(x) end
      return type(x)
   end
   torch.typename = function(x)
      if is_proxy(x) then return py_typename(x) end
      return nil
   end
   torch.isTypeOf = function(x, name)
      if not is_proxy(x) then return false end
      return py_isTypeOf(x, name)
   end
   torch.isTensor = function(x) return is_proxy(x) and py_isTensor(x) or false end
   torch.isStorage = function(x) return is_proxy(x) and py_isStorage(x) or false end
   torch.include = function(package, file)
      local f = package.searchpath and package.searchpath(package, package.path)
      if f then return dofile(pconcat(dirname(f), file)) end
      return paths.dofile(file, 1)
   end
end

for _, name in ipairs({'paths', 'sys', 'xlua'}) do
   local m = python_package(name)
   if m == nil then
      m = fallbacks[name]
   else
      -- Lua-only parts (they read the Lua call stack)
      if name == 'paths' then
         m.thisfile, m.dofile = paths.thisfile, paths.dofile
      end
   end
   rawset(_G, name, m)
end

function include(file, depth)
   local f = source_file(2 + (depth or 0))
   local dir = f and dirname(f) or '.'
   return dofile(pconcat(dir, file))
end

---------------------------------------------------------------------------------------------
-- require as trepl gives it: names starting with '.' are relative to the calling file;
-- other names are searched as Lua does, then beside the calling file.
local drequire = require
function require(name)
   if type(name) ~= 'string' then return drequire(name) end
   if name:find('^%.') then
      local file = source_file(2)
      local dir = file and py.isfile(file) and dirname(file) or '.'
      local pkgpath = pconcat(dir, name)
      if py.isfile(pkgpath .. '.lua') then return dofile(pkgpath .. '.lua') end
      if (pkgpath:find('%.t7$') or pkgpath:find('%.th$') or pkgpath:find('%.net$'))
         and py.isfile(pkgpath) then
         return torch.load(pkgpath)
      end
      if py.isfile(pkgpath) then return dofile(pkgpath) end
      return dofile(pconcat(pkgpath, 'init.lua'))
   end
   local ok, res = pcall(drequire, name)
   if ok then return res end
   if type(res) == 'string' and res:find("module '" .. name .. "' not found", 1, true) then
      local file = source_file(2)
      if file then
         local rel = name:gsub('%.', '/')
         local dir = dirname(file)
         for _, candidate in ipairs({rel .. '.lua', rel .. '/init.lua'}) do
            local path = pconcat(dir, candidate)
            if py.isfile(path) then
               local r = dofile(path)
               if r == nil then r = true end
               package.loaded[name] = r
               return r
            end
         end
      end
   end
   error(res, 2)
end

---------------------------------------------------------------------------------------------
-- trepl's print: plain values tab-separated, objects (tensors, modules) on their own line via
-- tostring, plain tables printed recursively.
local ndepth = 4

local function sizestr(x)
   local tn = torch.typename(x) or ''
   local short = tn:match('torch%.(.+)') or tn
   if tn:find('torch.*Storage') then
      return short .. ' - size: ' .. x:size()
   end
   if x:nDimension() == 0 then return short .. ' - empty' end
   local s = {short .. ' - size: '}
   for i = 1, x:nDimension() do
      s[#s + 1] = tostring(x:size(i))
      if i ~= x:nDimension() then s[#s + 1] = 'x' end
   end
   return concat(s)
end

local function colorize(o, nested)
   local t = type(o)
   if o == nil then return 'nil' end
   if t == 'string' then
      if nested then return '"' .. o .. '"' end
      return o
   end
   if t == 'userdata' or t == 'cdata' or B.is_proxy(o) then
      local tn = B.is_proxy(o) and torch.typename(o) or ''
      if tn:find('torch.*Tensor') or tn:find('torch.*Storage') then return sizestr(o) end
      return tostring(o)
   end
   return tostring(o)
end

local function rawprint(o)
   write(tostring(o or '') .. '\n')
end

local function is_plain_table(v)
   if type(v) ~= 'table' then return false end
   if B.is_proxy(v) then
      return B.kind(v) == 'object' and not (getmetatable(v) or {}).__tostring
   end
   local mt = getmetatable(v)
   return not (mt and mt.__tostring)
end

local function printrecursive(obj, depth)
   depth = depth or 0
   local tab = depth * 4
   local function line(s) write(string.rep(' ', tab) .. tostring(s) .. '\n') end
   local iter, state, init = B.pairs(obj)
   if iter(state, init) == nil then
      line('{}')
      return
   end
   line('{')
   tab = tab + 2
   for k, v in B.pairs(obj) do
      if type(v) == 'table' and not (B.is_proxy(v) and B.kind(v) ~= 'object') then
         local empty = B.pairs(v)(v, nil) == nil
         if depth >= (ndepth - 1) or empty then
            line(tostring(k) .. ' : {...}')
         else
            line(tostring(k) .. ' : ')
            printrecursive(v, depth + 1)
         end
      else
         line(tostring(k) .. ' : ' .. colorize(v, true))
      end
   end
   tab = tab - 2
   line('}')
end

local function print_values(...)
   local n = select('#', ...)
   for i = 1, n do
      local obj = select(i, ...)
      local t = type(obj)
      if t ~= 'table' then
         if t == 'userdata' or t == 'cdata' then
            rawprint(obj)
         else
            write(colorize(obj) .. '\t')
            if i == n then rawprint() end
         end
      elseif getmetatable(obj) and getmetatable(obj).__tostring and not is_plain_table(obj) then
         rawprint(obj)
      else
         printrecursive(obj)
      end
   end
end

-- print's text goes out in one piece with the values printed, so that the library's print
-- tees (torch.CmdLine:log's log file) see what th's print printed; io.write is not teed.
local py_print_out = py.print_out
function print(...)
   if collecting then return print_values(...) end  -- a __tostring that prints
   collecting = {}
   local ok, err = pcall(print_values, ...)
   local text = concat(collecting)
   collecting = nil
   if not ok then
      write(text)
      error(err, 0)
   end
   local n = select('#', ...)
   local values = {...}
   for i = 1, n do values[i] = U(values[i]) end
   if type(U(text)) ~= 'string' or not pcall(py_print_out, text, n, unpack(values, 1, n)) then
      write(text)  -- bytes that are not UTF-8: C's stdio
   end
end

function setprintlevel(level)
   if level == nil or level < 0 then error('expected number [0,+)', 2) end
   ndepth = math.floor(level)
end

---------------------------------------------------------------------------------------------
-- Running chunks for Python (LuaSession.execute / run_file) and the REPL.
local function pack(...) return {n = select('#', ...), ...} end

local function on_error(err)
   local tb = B.clean_traceback(debug.traceback('', 2))
   local inner = B.last_callback_error
   local same = inner ~= nil and (inner.err == err or type(err) == 'string'
      and type(inner.err) == 'string' and err:find(inner.err, 1, true) ~= nil)
   if same and inner.tb ~= '' then
      -- the error happened in Lua code that the library called: its stack runs through the
      -- library down to the script, so it is the whole story
      tb = inner.tb
   end
   B.last_callback_error = nil
   return {err = err, tb = tb}
end

local function run_results(r)
   B.sync_bound()  -- Lua's changes to bound fields reach Python before it reads them
   if not r[1] then
      local e = r[2]
      if type(e) == 'table' and e.tb then return false, U(e.err), e.tb end
      return false, U(e), ''
   end
   for i = 2, r.n do r[i] = U(r[i]) end
   return unpack(r, 1, r.n)
end

function P.run(mode, x, name)
   -- Python ran since Lua last did: FFI element views made before may be stale
   B.before_python()
   local f, err
   if mode == 'file' then
      f, err = loadfile(x)
   else
      f, err = loadstring(x, name)
   end
   if not f then return false, err, '' end
   return run_results(pack(xpcall(f, on_error)))
end

-- Compile a REPL line: as an expression to print first, then as a statement.
-- Returns 'ok' | 'incomplete' | 'error', message.
function P.repl_line(line)
   line = line:gsub('^%s*=', '')   -- Lua's old "= expr" also prints
   local silent = line:find(';%s*$') ~= nil
   local f = not silent and loadstring('return ' .. line, '=stdin')
   local err
   if not f then
      f, err = loadstring(line, '=stdin')
      if not f then
         if err:find("'<eof>'%s*$") then return 'incomplete', err end
         return 'error', err
      end
   end
   B.before_python()
   local r = pack(xpcall(f, on_error))
   B.sync_bound()
   if not r[1] then
      local e = r[2]
      return 'error', (type(e) == 'table' and e.err or tostring(e)) .. (e.tb or '')
   end
   if r.n > 1 and not silent then print(unpack(r, 2, r.n)) end
   return 'ok'
end

function P.set_arg(a0, exe, ...)
   local t = {...}
   t[0] = a0
   t[-1] = exe
   _G.arg = t  -- not `arg =`: in Lua 5.1 a vararg function has a local named arg
end

_G.arg = {[0] = argv0}

-- Rows of matrices are FFI structs for speed (bridge.lua); Lua code sees them as the userdata
-- that Torch7's tensors are.
do
   local raw_type, is_row = type, B.is_row
   function _G.type(x)
      local t = raw_type(x)
      if t == 'cdata' and is_row(x) then return 'userdata' end
      return t
   end
end

return P
