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
-- paths, sys and xlua are the library's Python packages (luatorch.paths, luatorch.sys,
-- luatorch.xlua); what reads the Lua call stack is written here: paths.thisfile,
-- paths.dofile, sys.fpath, include and require's search beside the calling file.
local paths = python_package('paths')
local dirname, pconcat = paths.dirname, paths.concat

-- The file of the Lua function `level` frames up, counted as debug.getinfo counts them from
-- the function calling source_file (1 = that function itself, 2 = its caller).
local function source_file(level)
   local info = debug.getinfo(level + 1, 'S')
   if info and info.source:sub(1, 1) == '@' then return info.source:sub(2) end
   return nil
end

-- torch's paths.thisfile(arg, depth): the calling file, as an absolute path (debug.getinfo's
-- level `depth`, 2 by default); with a string arg, that name beside it.
local function thisfile(arg, depth)
   local f = source_file(depth or 2)
   if f then f = pconcat(f) end
   if type(arg) == 'string' then
      if f then return pconcat(dirname(f), arg) end
      return arg
   end
   return f
end

-- torch's paths.dofile(f, depth): runs f found beside the calling file.
local function dofile_beside(f, depth)
   local file = source_file(depth or 2)
   if file then f = pconcat(dirname(file), f) end
   return dofile(f)
end

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
      f = source_file(2)
      return dofile(f and pconcat(dirname(f), file) or file)
   end
end

paths.thisfile, paths.dofile = thisfile, dofile_beside
rawset(_G, 'paths', paths)
local sys_ = python_package('sys')
-- torch's sys.fpath(): the directory and name of the calling file
sys_.fpath = function()
   local f = pconcat(source_file(2) or '')
   return dirname(f), paths.basename(f)
end
rawset(_G, 'sys', sys_)
rawset(_G, 'xlua', python_package('xlua'))

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
